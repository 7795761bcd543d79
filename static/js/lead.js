// Lead detail: the pool's side panel (close by the back button, "Close" or Escape).
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

  document.addEventListener("keydown", (event) => {
    const box = panel();
    if (event.key === "Escape" && box && box.children.length) {
      const link = box.querySelector("[data-panel-close]");
      if (link) link.click();
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    // New filters or another page of the pool: the panel's lead may not be in it any more.
    const box = panel();
    if (box && event.detail.target && event.detail.target.id === "pool") box.innerHTML = "";
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "lead-panel") {
      const heading = event.detail.target.querySelector("[data-panel-focus]");
      if (heading) heading.focus();
    }
  });
})();
