/*
 * 中野区 ごみ分別チャット — the embeddable chat widget.
 *
 * One tag on any page:
 *   <script src="https://HOST/widget/v1/nakano-chat.js" data-api-base="https://HOST"
 *           data-title="ごみ分別チャット" data-color="#00704a" data-position="right"
 *           data-lang="auto" data-open="false" defer></script>
 *
 * data-lang: the language of the widget's own words (title, buttons, greeting, examples):
 * ja, en, zh (Simplified; zh-TW, zh-HK and zh-Hant give Traditional), ko, or auto (the
 * default): the page's <html lang>, else the browser's languages, else Japanese. The
 * resident can change it in the header; the choice is kept in localStorage and wins over
 * data-lang. The bot's answers are not translated here: the bot answers in the language
 * the resident writes in. data-title is the Japanese title; data-title-en, data-title-zh
 * and data-title-ko name it in the other languages (else the widget's own title).
 *
 * Why it is built this way:
 * - Vanilla JS, no dependency: the whole widget is one small file (budget: 30 KB gzipped,
 *   checked by scripts/check_widget_size.py).
 * - Shadow DOM with a constructed stylesheet: the host page's CSS cannot reach in, ours
 *   cannot leak out, and no inline <style> or eval is needed under a strict CSP.
 * - Nothing is fetched until the resident opens the launcher.
 * - Everything the bot or the resident says is inserted as text; only http(s) URLs become
 *   links (new tab, rel=noopener), and phone numbers tel: links. A message's links (an
 *   area's calendar: https, and webcal for a calendar app) are links to open, never
 *   buttons that send text, and only https, http or webcal ones are shown.
 * - The conversation lives in sessionStorage, so it survives navigation and reloads within
 *   the browser session, and is gone when the browser is closed.
 * The only global it defines is window.NakanoChat.
 */
(function () {
  "use strict";
  if (window.NakanoChat) { return; }

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var config = {
    apiBase: (data.apiBase || (script ? new URL(script.src, location.href).origin : "")).replace(/\/$/, ""),
    color: /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#00704a",
    position: data.position === "left" ? "left" : "right",
    openOnLoad: data.open === "true"
  };
  var MAX_LENGTH = 500;
  var STORE = "nakano-chat:";
  // A URL, or a Japanese phone number (03-3387-5353, 0120-123-456, 03（3387）5353).
  var LINK_PATTERN = /https?:\/\/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+|0\d{1,4}[-(（]\d{1,4}[-)）]\d{3,4}/g;
  // The schemes of a message's links the widget shows (never javascript: or data:).
  var LINK_SCHEMES = /^(https?|webcal):\/\//i;
  // Each language's name in itself, in the order the switch lists them.
  var NAMES = { ja: "日本語", en: "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文", ko: "한국어" };
  // The examples are questions the bot answers in that language (tests/end_to_end/test_widget.py).
  var STRINGS = {
    ja: {
      title: "ごみ分別チャット", language: "言語（Language）",
      open: "ごみ分別チャットを開く", close: "閉じる", send: "送信", input: "質問を入力",
      placeholder: "例：スプレー缶は何ごみ？", reset: "新しい会話", bigger: "文字を大きく",
      smaller: "文字を小さく", typing: "回答を準備しています…", retry: "もう一度送る",
      tooLong: "500文字以内で入力してください。", log: "会話",
      links: "関連リンク", newTab: "（新しいタブで開きます）",
      offline: "通信できませんでした。電波の良いところで、もう一度お試しください。",
      welcome: "こんにちは。中野区のごみ分別案内です。捨てたいものの名前や、収集日をお尋ねください。",
      examples: ["スプレー缶は何ごみ？", "野方3丁目の燃やすごみは何曜日？", "粗大ごみの出し方"]
    },
    en: {
      title: "Garbage Sorting Chat", language: "Language",
      open: "Open the garbage sorting chat", close: "Close", send: "Send", input: "Your question",
      placeholder: "e.g. Where do spray cans go?", reset: "New conversation",
      bigger: "Larger text", smaller: "Smaller text", typing: "Preparing an answer…",
      retry: "Send again", tooLong: "Please keep it within 500 characters.", log: "Conversation",
      links: "Links", newTab: "(opens in a new tab)",
      offline: "Could not connect. Please try again where the signal is better.",
      welcome: "Hello. This is the Nakano Ward garbage sorting guide. Ask me the name of something you want to throw away, or your area's collection days. You can write in English.",
      examples: ["What kind of garbage is a spray can?", "What day is burnable garbage collected in Nogata 3-chome?", "How do I put out bulky waste?"]
    },
    "zh-Hans": {
      title: "垃圾分类聊天", language: "语言（Language）",
      open: "打开垃圾分类聊天", close: "关闭", send: "发送", input: "输入问题",
      placeholder: "例：喷雾罐是什么垃圾？", reset: "新对话", bigger: "放大文字",
      smaller: "缩小文字", typing: "正在准备回答…", retry: "重新发送",
      tooLong: "请输入500字以内。", log: "对话",
      links: "相关链接", newTab: "（在新标签页中打开）",
      offline: "无法连接。请在信号良好的地方再试一次。",
      welcome: "您好。这里是中野区垃圾分类指南。请告诉我您想扔的物品名称，或询问您所在地区的收集日。可以用中文提问。",
      examples: ["喷雾罐是什么垃圾？", "野方3丁目的可燃垃圾是星期几？", "大件垃圾怎么扔？"]
    },
    "zh-Hant": {
      title: "垃圾分類聊天", language: "語言（Language）",
      open: "開啟垃圾分類聊天", close: "關閉", send: "傳送", input: "輸入問題",
      placeholder: "例：噴霧罐是什麼垃圾？", reset: "新對話", bigger: "放大文字",
      smaller: "縮小文字", typing: "正在準備回答…", retry: "重新傳送",
      tooLong: "請輸入500字以內。", log: "對話",
      links: "相關連結", newTab: "（在新分頁中開啟）",
      offline: "無法連線。請在訊號良好的地方再試一次。",
      welcome: "您好。這裡是中野區垃圾分類指南。請告訴我您想丟的物品名稱，或詢問您所在地區的收集日。可以用中文提問。",
      examples: ["噴霧罐是什麼垃圾？", "野方3丁目的可燃垃圾是星期幾？", "大型垃圾怎麼丟？"]
    },
    ko: {
      title: "쓰레기 분리배출 채팅", language: "언어(Language)",
      open: "쓰레기 분리배출 채팅 열기", close: "닫기", send: "보내기", input: "질문 입력",
      placeholder: "예: 스프레이 캔 버리는 법", reset: "새 대화", bigger: "글자 크게",
      smaller: "글자 작게", typing: "답변을 준비하고 있습니다…", retry: "다시 보내기",
      tooLong: "500자 이내로 입력해 주세요.", log: "대화",
      links: "관련 링크", newTab: "(새 탭에서 열립니다)",
      offline: "연결할 수 없습니다. 신호가 좋은 곳에서 다시 시도해 주세요.",
      welcome: "안녕하세요. 나카노구 쓰레기 분리배출 안내입니다. 버리고 싶은 물건의 이름이나 사시는 지역의 수거일을 물어봐 주세요. 한국어로 질문하셔도 됩니다.",
      examples: ["스프레이 캔은 무슨 쓰레기예요?", "노가타 3초메 타는 쓰레기는 무슨 요일이에요?", "대형 쓰레기는 어떻게 버려요?"]
    }
  };

  // A language tag (BCP 47: "en-US", "zh-TW", "zh-Hant-HK") as one of ours, or null.
  function supported(tag) {
    tag = String(tag || "").toLowerCase();
    if (/^zh-(hant|tw|hk|mo)\b/.test(tag)) { return "zh-Hant"; }
    var base = tag.split("-")[0];
    if (base === "zh") { return "zh-Hans"; }
    return base === "ja" || base === "en" || base === "ko" ? base : null;
  }
  function chosen() {
    try { return supported(localStorage.getItem(STORE + "lang")); } catch (e) { return null; }
  }
  // The resident's own choice, then data-lang, then (auto) the page's, then the browser's.
  function startLanguage() {
    var given = (data.lang || "auto").toLowerCase() === "auto" ? null : supported(data.lang);
    var browser = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language];
    var candidates = [chosen(), given, supported(document.documentElement.lang)];
    browser.forEach(function (tag) { candidates.push(supported(tag)); });
    return candidates.filter(Boolean)[0] || "ja";
  }
  var lang = startLanguage();
  var TEXT = STRINGS[lang];
  // The ward's own title (data-title is Japanese; data-title-en/zh/ko), else ours.
  function titleOf(code) {
    var own = code === "ja" ? data.title : data["title" + code.charAt(0).toUpperCase() + code.slice(1, 2)];
    return own || STRINGS[code].title;
  }

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:'Hiragino Sans','Noto Sans JP','Yu Gothic',Meiryo,sans-serif}",
    ".launcher{position:fixed;bottom:max(16px,env(safe-area-inset-bottom));" + config.position + ":16px;z-index:2147483000;",
    "min-width:64px;min-height:64px;padding:0 20px;border:0;border-radius:32px;background:var(--c);color:#fff;",
    "font-size:17px;font-weight:bold;box-shadow:0 4px 12px rgba(0,0,0,.3);cursor:pointer}",
    ":host([lang=ko]) *{font-family:'Apple SD Gothic Neo','Noto Sans KR','Malgun Gothic',sans-serif}",
    ":host([lang=zh-Hans]) *{font-family:'PingFang SC','Noto Sans SC','Microsoft YaHei',sans-serif}",
    ":host([lang=zh-Hant]) *{font-family:'PingFang TC','Noto Sans TC','Microsoft JhengHei',sans-serif}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,select:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    ".panel{position:fixed;bottom:96px;" + config.position + ":16px;z-index:2147483001;width:380px;max-width:calc(100vw - 32px);",
    "height:min(640px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;color:#1b1b1b;",
    "border-radius:12px;box-shadow:0 8px 28px rgba(0,0,0,.35);overflow:hidden;font-size:var(--fs,17px)}",
    ".panel[hidden]{display:none}",
    "@media (max-width:480px){.panel{inset:0;width:100vw;max-width:none;height:100dvh;border-radius:0}}",
    "header{display:flex;flex-wrap:wrap;align-items:center;gap:4px;padding:8px 8px 8px 14px;padding-top:max(8px,env(safe-area-inset-top));background:var(--c);color:#fff}",
    "h2{flex:1;min-width:0;margin:0;font-size:1.05em;overflow-wrap:anywhere}",
    ".tools{display:flex;flex-wrap:wrap;gap:4px;width:100%;justify-content:flex-end}",
    "header button,header select{min-width:44px;min-height:44px;border:1px solid rgba(255,255,255,.7);border-radius:8px;background:transparent;color:#fff;font-size:.85em;cursor:pointer}",
    "header select{margin-right:auto;padding:0 6px;background:var(--c)}",
    "option{color:#1b1b1b;background:#fff}",
    ".log{flex:1;overflow-y:auto;margin:0;padding:12px;list-style:none}",
    ".msg{display:flex;flex-direction:column;margin-bottom:12px}",
    ".msg.user{align-items:flex-end}",
    ".bubble{max-width:88%;padding:10px 12px;border-radius:12px;background:#eef5f1;line-height:1.6;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".msg.user .bubble{background:var(--c);color:#fff}",
    ".bubble a{color:#0b4f8a;text-decoration:underline}",
    ".msg.user .bubble a{color:#fff}",
    ".chips{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}",
    ".chip{min-height:44px;padding:6px 14px;border:2px solid var(--c);border-radius:22px;background:#fff;color:var(--c);font-size:.95em;cursor:pointer;text-align:left}",
    ".links{display:flex;flex-direction:column;align-items:flex-start;margin-top:4px}",
    ".link{display:inline-flex;align-items:center;min-height:44px;padding:0 4px;color:#0b4f8a;font-size:.95em;text-decoration:underline;overflow-wrap:anywhere}",
    ".link:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    ".typing{color:#444;font-style:italic}",
    "form{display:flex;gap:8px;align-items:flex-end;padding:10px;padding-bottom:max(10px,env(safe-area-inset-bottom));border-top:1px solid #ccc}",
    "textarea{flex:1;min-height:48px;max-height:40vh;padding:10px;border:2px solid #666;border-radius:8px;font-size:1em;resize:none;color:#1b1b1b;background:#fff}",
    ".send{min-width:72px;min-height:48px;border:0;border-radius:8px;background:var(--c);color:#fff;font-size:1em;font-weight:bold;cursor:pointer}",
    ".send:disabled{background:#666}",
    ".count{padding:0 12px 6px;font-size:.8em;color:#444;text-align:right}",
    ".count.over{color:#b00020;font-weight:bold}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function load(key, fallback) {
    try { var v = sessionStorage.getItem(STORE + key); return v ? JSON.parse(v) : fallback; }
    catch (e) { return fallback; }
  }
  function save(key, value) {
    try { sessionStorage.setItem(STORE + key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  function senderId() {
    var id = load("sender", null);
    if (!id) {
      var bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      id = "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      save("sender", id);
    }
    return id;
  }

  // --- the DOM, inside a closed-off shadow root -------------------------------------------
  var host = el("nakano-chat", { id: "nakano-chat-widget" });
  var root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", {}, CSS));
  }
  host.style.setProperty("--c", config.color);

  // The widget's words are set by relabel(), in the language chosen.
  var launcher = el("button", { type: "button", class: "launcher", "aria-haspopup": "dialog", "aria-expanded": "false" });
  var panel = el("div", { class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "nc-title", hidden: "" });
  var header = el("header");
  var title = el("h2", { id: "nc-title" });
  var languages = el("select");
  Object.keys(NAMES).forEach(function (code) {
    languages.appendChild(el("option", { value: code, lang: code }, NAMES[code]));
  });
  var smaller = el("button", { type: "button" }, "A−");
  var bigger = el("button", { type: "button" }, "A＋");
  var reset = el("button", { type: "button" });
  var close = el("button", { type: "button" }, "✕");
  var tools = el("div", { class: "tools" });
  tools.append(languages, smaller, bigger, reset);
  header.append(title, close, tools);
  var log = el("ol", { class: "log" });
  var live = el("div", { class: "sr", "aria-live": "polite", role: "status" });
  var form = el("form", { novalidate: "" });
  var label = el("label", { for: "nc-input", class: "sr" });
  var input = el("textarea", { id: "nc-input", rows: "1", "aria-describedby": "nc-count" });
  var send = el("button", { type: "submit", class: "send" });
  var count = el("div", { id: "nc-count", class: "count", "aria-live": "polite" }, "0/" + MAX_LENGTH);
  form.append(label, input, send);
  panel.append(header, log, live, form, count);
  root.append(launcher, panel);

  function relabel() {
    host.setAttribute("lang", lang);
    languages.value = lang;
    launcher.setAttribute("aria-label", TEXT.open);
    launcher.textContent = "💬 " + titleOf(lang);
    title.textContent = titleOf(lang);
    languages.setAttribute("aria-label", TEXT.language);
    smaller.setAttribute("aria-label", TEXT.smaller);
    bigger.setAttribute("aria-label", TEXT.bigger);
    reset.textContent = TEXT.reset;
    close.setAttribute("aria-label", TEXT.close);
    log.setAttribute("aria-label", TEXT.log);
    label.textContent = TEXT.input;
    input.setAttribute("placeholder", TEXT.placeholder);
    send.textContent = TEXT.send;
  }
  relabel();

  // --- messages -------------------------------------------------------------------------
  var history = load("history", []);
  var fontSize = load("font", 17);
  panel.style.setProperty("--fs", fontSize + "px");
  var busy = false;
  var fullScreen = window.matchMedia("(max-width:480px)");  // the panel's @media

  function appendText(parent, text) {
    var last = 0;
    text.replace(LINK_PATTERN, function (link, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      parent.appendChild(/^http/.test(link)
        ? el("a", { href: link, target: "_blank", rel: "noopener noreferrer" }, link)
        : el("a", { href: "tel:" + link.replace(/\D/g, "") }, link));
      last = offset + link.length;
      return link;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // A link of a message: a web page in a new tab; a webcal address in this one, which
  // hands it to the calendar app.
  function linkTo(link) {
    var web = /^https?:/i.test(link.url);
    var a = el("a", web ? { href: link.url, class: "link", target: "_blank", rel: "noopener noreferrer" }
                        : { href: link.url, class: "link" }, link.title);
    if (web) { a.appendChild(el("span", { class: "sr" }, TEXT.newTab)); }
    return a;
  }

  function render(message, announce) {
    var item = el("li", { class: "msg " + message.who });
    var bubble = el("div", { class: "bubble" });
    appendText(bubble, message.text);
    item.appendChild(bubble);
    if (message.buttons && message.buttons.length) {
      var chips = el("div", { class: "chips" });
      message.buttons.forEach(function (b) {
        var chip = el("button", { type: "button", class: "chip" }, b.title);
        chip.addEventListener("click", function () { ask(b.payload, b.title); });
        chips.appendChild(chip);
      });
      item.appendChild(chips);
    }
    var links = (message.links || []).filter(function (l) { return LINK_SCHEMES.test(l.url || ""); });
    if (links.length) {
      var group = el("div", { class: "links", role: "group", "aria-label": TEXT.links });
      links.forEach(function (l) { group.appendChild(linkTo(l)); });
      item.appendChild(group);
    }
    log.appendChild(item);
    if (announce && message.who === "bot") { live.textContent = message.text; }
    return item;
  }

  function remember(message) {
    history.push(message);
    save("history", history.slice(-100));
    return render(message, true);
  }

  function toEnd() { log.scrollTop = log.scrollHeight; }
  // A new answer is read from its first line (the category): scroll to where it starts,
  // or to the end when all of it fits.
  function toStart(item) { log.scrollTop = item.offsetTop - log.offsetTop - 8; }

  var greeting = null;  // the welcome message shown, which a language switch replaces
  function welcome() {
    var fresh = render({ who: "bot", text: TEXT.welcome, buttons: TEXT.examples.map(function (q) { return { title: q, payload: q }; }) }, false);
    if (greeting && greeting.parentNode === log) { log.replaceChild(fresh, greeting); }
    greeting = fresh;
  }

  // again: the retry of a message already shown (and sent) once.
  function ask(text, shown, again) {
    if (busy || !text.trim()) { return; }
    if (text.length > MAX_LENGTH) { live.textContent = TEXT.tooLong; return; }
    if (!again) { remember({ who: "user", text: shown || text }); }
    busy = true;
    send.disabled = true;
    var typing = el("li", { class: "msg bot typing", "aria-hidden": "true" }, TEXT.typing);
    log.appendChild(typing);
    toEnd();
    fetch(config.apiBase + "/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender_id: senderId(), text: text })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      typing.remove();
      var messages = (result.body && result.body.messages) || [];
      if (!messages.length) { throw new Error("no messages"); }
      toStart(messages.map(function (m) { return remember({ who: "bot", text: m.text, buttons: m.buttons || [], links: m.links || [] }); })[0]);
      if (result.status === 503) { offerRetry(text, shown); }
    }).catch(function () {
      typing.remove();
      toStart(remember({ who: "bot", text: TEXT.offline }));
      offerRetry(text, shown);
    }).then(function () {
      busy = false;
      send.disabled = false;
    });
  }

  function offerRetry(text, shown) {
    var item = el("li", { class: "msg bot" });
    var retry = el("button", { type: "button", class: "chip retry" }, TEXT.retry);
    retry.addEventListener("click", function () {
      if (!busy) { item.remove(); ask(text, shown, true); }
    });
    item.appendChild(retry);
    log.appendChild(item);
  }

  // --- controls -------------------------------------------------------------------------
  function updateCount() {
    var n = input.value.length;
    count.textContent = n > MAX_LENGTH ? TEXT.tooLong + " (" + n + "/" + MAX_LENGTH + ")" : n + "/" + MAX_LENGTH;
    count.classList.toggle("over", n > MAX_LENGTH);
    send.disabled = busy || n > MAX_LENGTH;
    fit();
  }

  // The box grows with what is typed (and with the text size), up to its max-height.
  function fit() {
    input.style.height = "auto";
    input.style.height = input.scrollHeight + input.offsetHeight - input.clientHeight + "px";
  }

  function open() {
    panel.hidden = false;
    panel.setAttribute("aria-modal", String(fullScreen.matches));
    launcher.setAttribute("aria-expanded", "true");
    if (!log.childElementCount) {
      welcome();
      history.forEach(function (m) { render(m, false); });
      toEnd();
    }
    save("open", true);
    input.focus();
  }

  function shut() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    save("open", false);
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { shut(); } });
  close.addEventListener("click", shut);
  // On a phone the panel covers the page: Tab stays inside it, as in a modal dialog.
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { shut(); return; }
    if (event.key !== "Tab" || !fullScreen.matches) { return; }
    var stops = Array.prototype.filter.call(panel.querySelectorAll("button,select,textarea,a[href]"), function (n) {
      return !n.disabled && n.getClientRects().length;
    });
    var edge = event.shiftKey ? stops[0] : stops[stops.length - 1];
    if (root.activeElement === edge) {
      event.preventDefault();
      (event.shiftKey ? stops[stops.length - 1] : stops[0]).focus();
    }
  });
  reset.addEventListener("click", function () {
    history = [];
    save("history", history);
    try { sessionStorage.removeItem(STORE + "sender"); } catch (e) { /* ignore */ }
    log.textContent = "";
    greeting = null;
    welcome();
    input.focus();
  });
  function zoom(step) {
    fontSize = Math.max(14, Math.min(26, fontSize + step));
    panel.style.setProperty("--fs", fontSize + "px");
    save("font", fontSize);
    fit();
  }
  smaller.addEventListener("click", function () { zoom(-2); });
  bigger.addEventListener("click", function () { zoom(2); });
  // A language switch changes the widget's words, the greeting and its examples; the
  // conversation stays as it was said (the bot answers in the language written in).
  languages.addEventListener("change", function () {
    lang = supported(languages.value) || "ja";
    TEXT = STRINGS[lang];
    try { localStorage.setItem(STORE + "lang", lang); } catch (e) { /* private mode */ }
    relabel();
    updateCount();
    Array.prototype.forEach.call(log.querySelectorAll(".retry"), function (b) { b.textContent = TEXT.retry; });
    Array.prototype.forEach.call(log.querySelectorAll(".links"), function (g) { g.setAttribute("aria-label", TEXT.links); });
    Array.prototype.forEach.call(log.querySelectorAll(".link .sr"), function (n) { n.textContent = TEXT.newTab; });
    if (greeting) { welcome(); }
  });
  input.addEventListener("input", updateCount);
  input.addEventListener("keydown", function (event) {
    // Enter that confirms a Japanese IME conversion must not send (isComposing / 229).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || text.length > MAX_LENGTH) { updateCount(); return; }
    input.value = "";
    updateCount();
    ask(text);
  });

  function mount() {
    document.body.appendChild(host);
    if (config.openOnLoad || load("open", false)) { open(); }
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }

  window.NakanoChat = { open: open, close: shut, version: "1" };
})();
