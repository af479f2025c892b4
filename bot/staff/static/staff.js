/* The admin's own script, loaded after sqladmin's (no inline scripts: the admin's CSP
   allows scripts from 'self' only).
   - CSRF: a hidden field on every form, a header on every script request
     (bot/staff/web_auth.py checks them).
   - Japanese for the few texts sqladmin's script writes in English.
   - Saved / deleted notices stay until closed, so a clerk sees that the save went through. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.content : "";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelector('input[name="csrf_token"]')) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrf_token";
      input.value = token;
      form.appendChild(input);
    }
  }, true);
  var originalFetch = window.fetch;
  window.fetch = function (url, options) {
    options = options || {};
    var headers = new Headers(options.headers || {});
    headers.set("X-CSRF-Token", token);
    options.headers = headers;
    return originalFetch(url, options);
  };

  // Words sqladmin's templates write in English where no translation reaches.
  var words = {
    "This is a required field": "必須の項目です",
    "Close": "閉じる",
    "Toggle navigation": "メニューを開く・閉じる"
  };
  ["title", "aria-label"].forEach(function (attribute) {
    document.querySelectorAll("[" + attribute + "]").forEach(function (el) {
      var japanese = words[el.getAttribute(attribute)];
      if (japanese) { el.setAttribute(attribute, japanese); }
    });
  });

  // A new translation: the whole Japanese of the text chosen, under the choice, so the
  // clerk translates from it (the choice's label shows only its start).
  document.querySelectorAll("select[data-staff-japanese]").forEach(function (select) {
    var box = document.createElement("div");
    box.id = select.getAttribute("data-staff-japanese");
    box.className = "staff-text border rounded p-2 mt-2 bg-light";
    select.parentNode.insertBefore(box, select.nextSibling);
    var show = function () {
      var option = select.options[select.selectedIndex];
      var japanese = option ? option.getAttribute("data-japanese") : null;
      box.textContent = japanese || "";
      box.hidden = !japanese;
    };
    select.addEventListener("change", show);
    show();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".toast").forEach(function (el) {
      new window.tabler.bootstrap.Toast(el, { autohide: false }).show();
    });
  });

  if (!window.jQuery) { return; }
  var $ = window.jQuery;
  $.ajaxSetup({ headers: { "X-CSRF-Token": token } });

  // Bound after sqladmin's handler, so this text replaces its English one.
  $(document).on("shown.bs.modal", "#modal-delete", function (event) {
    var trigger = event.relatedTarget ? $(event.relatedTarget) : $("#action-delete");
    var name = trigger.data("name") || "";
    var pk = trigger.data("pk");
    var what = Array.isArray(pk) ? "選択した" + name + "（" + pk.length + "件）"
      : name + "（番号 " + pk + "）";
    $("#modal-delete-text").text(what + "を削除します。元に戻せません。よろしいですか？");
  });

  $(".chars-count-label").each(function () {
    var label = $(this);
    var textarea = label.prev("textarea");
    if (!textarea.length) { return; }
    var max = parseInt(textarea.attr("maxlength"), 10) || 0;
    var update = function () {
      label.text("文字数：" + textarea.val().length + (max ? " / " + max : ""));
    };
    textarea.on("input propertychange", update);
    update();
  });
})();
