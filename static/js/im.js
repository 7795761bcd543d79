// TTSPC IM: keep the open conversation tidy while htmx polls for new messages.
// No inline scripts (the CSP forbids them); templates include this file with defer.
(function () {
  function messageList() {
    return document.getElementById("messages");
  }

  function lastShownId() {
    const list = messageList();
    if (!list) return 0;
    let last = 0;
    list.querySelectorAll("li[data-id]").forEach((li) => {
      last = Math.max(last, Number(li.dataset.id) || 0);
    });
    return last;
  }

  // A message can arrive twice when a poll and a send answer at the same moment: keep one.
  function dropDuplicates() {
    const list = messageList();
    if (!list) return;
    const seen = new Set();
    list.querySelectorAll("li[data-id]").forEach((li) => {
      if (seen.has(li.dataset.id)) li.remove();
      else seen.add(li.dataset.id);
    });
    if (seen.size) {
      const empty = document.getElementById("no-messages");
      if (empty) empty.remove();
    }
  }

  function scrollToNewest() {
    const list = messageList();
    if (list) list.scrollTop = list.scrollHeight;
  }

  // The send form asks for what came after the newest message on screen, whatever the poller
  // has appended since the form was rendered.
  document.addEventListener("htmx:configRequest", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.id === "send-form") event.detail.parameters.after = String(lastShownId());
  });

  document.addEventListener("htmx:afterSettle", () => {
    dropDuplicates();
  });

  // Enter sends, Shift+Enter starts a new line.
  document.addEventListener("keydown", (event) => {
    const area = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!area.matches || !area.matches("#send-form textarea")) return;
    event.preventDefault();
    area.form.requestSubmit();
  });

  // "Templates": a picked reply (filled in on the server for this thread) goes into the message
  // box at the caret, replacing any selection, to edit before sending.
  document.addEventListener("click", (event) => {
    const choice = event.target.closest && event.target.closest("[data-reply-text]");
    if (!choice) return;
    const area = document.querySelector("#send-form textarea");
    if (!area) return;
    event.preventDefault();
    const text = choice.dataset.replyText;
    area.focus();
    area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
    const picker = choice.closest("details");
    if (picker) picker.open = false;
  });

  document.addEventListener("DOMContentLoaded", () => {
    dropDuplicates();
    scrollToNewest();
  });
})();
