// Lead detail: the pool's side panel (close by the back button, "Close" or Escape), the
// detail's forms (nothing typed is lost), and Previous / Next by `k` / `j`.
// No inline scripts: the CSP forbids them.
(() => {
  const panel = () => document.getElementById("lead-panel");

  function closePanel(link) {
    // The panel pushed the lead's URL: going back restores the pool's URL (and closes it).
    if (window.history.state && window.history.state.htmx) {
      window.history.back();
      return true;
    }
    if (link) return false; // let the link load the pool
    const box = panel();
    if (box) box.innerHTML = "";
    return true;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-panel-close]");
    if (link && closePanel(link)) event.preventDefault();
  });

  // Typing: a field, a select, or anything editable. Shortcuts never fire there.
  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.isContentEditable) return true;
    return Boolean(target.closest("input, textarea, select, [contenteditable]"));
  }

  document.addEventListener("keydown", (event) => {
    const box = panel();
    if (event.key === "Escape" && box && box.children.length) {
      const link = box.querySelector("[data-panel-close]");
      if (link) link.click();
      return;
    }
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if ((event.key !== "j" && event.key !== "k") || typing(event.target)) return;
    // The detail on screen: the side panel's when it is open, else the page's own.
    const scope = box && box.children.length ? box : document.querySelector(".lead-page");
    const nav = scope && scope.querySelector("[data-lead-nav]");
    if (!nav) return;
    event.preventDefault(); // the pool's own j / k (pool.js) leave it to the detail
    const step = nav.querySelector(event.key === "j" ? "a[rel=next]" : "a[rel=prev]");
    if (!step) return;
    // In the panel, load the neighbour with htmx directly: a key pressed right after a swap
    // may come before htmx has processed the new links (its settle step), and a plain click
    // would then leave the pool for the full page.
    const url = step.getAttribute("hx-get");
    if (url && window.htmx && box && box.contains(step)) {
      window.htmx
        .ajax("GET", url, { target: "#lead-panel", swap: "innerHTML" })
        .then(() => window.history.replaceState(null, "", url));
    } else {
      step.click();
    }
  });

  // The detail's forms queue behind each other (hx-sync "queue all" on the detail), so a
  // note sent while a status change is in flight is still sent. A form's own second submit
  // (a double click) is dropped here: its buttons are disabled from the first one on, and
  // htmx's hx-disabled-elt enables them again once its request is done.
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-detail-form]")) return;
    const pending = form._leadPending;
    if (pending && pending !== event.detail.triggeringEvent) {
      event.preventDefault();
      return;
    }
    form._leadPending = event.detail.triggeringEvent;
    form.querySelectorAll("button").forEach((button) => (button.disabled = true));
  });

  // What the note box held when it was sent: cleared after a success only if unchanged.
  document.addEventListener("htmx:configRequest", (event) => {
    const form = event.detail.elt;
    if (form.matches && form.matches("form[data-note-form]")) form._sentBody = event.detail.parameters.body;
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-detail-form]")) return;
    form._leadPending = null;
    if (!form.matches("[data-note-form]") || !event.detail.successful) return;
    const box = form.querySelector("textarea[name=body]");
    if (box && box.value === form._sentBody) {
      box.value = "";
      forgetDraft(box);
    }
  });

  // A draft of the new note per lead, for this tab: a reload (a task added, j / k on the
  // full page) brings it back.
  function draftKey(box) {
    return box.dataset.draft ? `draft:${box.dataset.draft}` : null;
  }
  function forgetDraft(box) {
    const key = draftKey(box);
    if (key) window.sessionStorage.removeItem(key);
  }
  function restoreDrafts(root) {
    root.querySelectorAll("textarea[data-draft]").forEach((box) => {
      const saved = window.sessionStorage.getItem(draftKey(box));
      if (saved && !box.value) box.value = saved;
    });
  }
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches("textarea[data-draft]")) return;
    if (box.value) window.sessionStorage.setItem(draftKey(box), box.value);
    else forgetDraft(box);
  });
  document.addEventListener("DOMContentLoaded", () => restoreDrafts(document));

  document.addEventListener("htmx:beforeSwap", (event) => {
    // New filters or another page of the pool: the panel's lead may not be in it any more.
    const box = panel();
    if (box && event.detail.target && event.detail.target.id === "pool") box.innerHTML = "";
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "lead-panel") {
      restoreDrafts(event.detail.target);
      const heading = event.detail.target.querySelector("[data-panel-focus]");
      if (heading) heading.focus();
    }
  });
})();
