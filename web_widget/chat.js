// The plain chat page at "/": talks to POST /api/chat. Everything the bot or the resident
// says is inserted as text, never as HTML; only http(s) links are made clickable.
(function () {
  "use strict";

  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var send = document.getElementById("chat-send");
  var STORAGE_KEY = "nakano-gomi-sender";
  var URL_PATTERN = /(https?:\/\/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+)/g;
  var WELCOME = {
    text: "こんにちは。中野区のごみ分別案内です。捨てたいものの名前や、収集日をお尋ねください。",
    buttons: [
      { title: "スプレー缶は何ごみ？", payload: "スプレー缶は何ごみ？" },
      { title: "野方3丁目の収集日", payload: "野方3丁目の収集日は？" },
      { title: "粗大ごみの出し方", payload: "粗大ごみの出し方を教えて" }
    ]
  };

  function senderId() {
    var id = sessionStorage.getItem(STORAGE_KEY);
    if (!id) {
      id = "page-" + Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
      sessionStorage.setItem(STORAGE_KEY, id);
    }
    return id;
  }

  function appendText(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (url, _group, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var a = document.createElement("a");
      a.href = url;
      a.textContent = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      parent.appendChild(a);
      last = offset + url.length;
      return url;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addMessage(who, message) {
    var item = document.createElement("li");
    item.className = "chat__message chat__message--" + who;
    var bubble = document.createElement("div");
    bubble.className = "chat__bubble";
    appendText(bubble, message.text);
    item.appendChild(bubble);
    if (message.buttons && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "chat__buttons";
      message.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "chat__chip";
        button.textContent = b.title;
        button.addEventListener("click", function () { ask(b.payload, b.title); });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end", behavior: "smooth" });
  }

  function ask(text, shown) {
    addMessage("user", { text: shown || text });
    send.disabled = true;
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender_id: senderId(), text: text })
    })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        (body.messages || []).forEach(function (m) { addMessage("bot", m); });
        if (!body.messages) { addMessage("bot", { text: "入力を確認してください（500文字まで）。" }); }
      })
      .catch(function () {
        addMessage("bot", { text: "通信できませんでした。しばらくしてからもう一度お試しください。" });
      })
      .finally(function () { send.disabled = false; input.focus(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    ask(text);
  });

  input.addEventListener("keydown", function (event) {
    // Enter that confirms a Japanese IME conversion must not send the message.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.getElementById("chat-reset").addEventListener("click", function () {
    sessionStorage.removeItem(STORAGE_KEY);
    log.textContent = "";
    addMessage("bot", WELCOME);
  });

  addMessage("bot", WELCOME);
})();
