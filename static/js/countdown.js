// Authorization countdowns ("expires in 2 days 4 h") keep counting while the page is open.
// The server renders the same words; no inline scripts (the CSP forbids them).
(() => {
  function countdownText(expiresAt) {
    const seconds = Math.floor((expiresAt - Date.now()) / 1000);
    if (seconds <= 0) return "expired";
    const days = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    if (days) return `expires in ${days} day${days !== 1 ? "s" : ""} ${hours} h`;
    if (hours) return `expires in ${hours} h ${minutes} min`;
    return `expires in ${Math.max(minutes, 1)} min`;
  }

  function tick() {
    document.querySelectorAll("[data-countdown]").forEach((el) => {
      const expiresAt = Date.parse(el.dataset.countdown);
      if (!Number.isNaN(expiresAt)) el.textContent = countdownText(expiresAt);
    });
  }
  window.setInterval(tick, 30_000);
})();
