// Leads Pool: a follower preset and a manual min/max are alternatives, so picking one clears
// the other. This listens in the capture phase so the fields are cleared before htmx reads the
// form for the request the same change triggers.
document.addEventListener(
  "change",
  (event) => {
    const el = event.target;
    const form = el.closest && el.closest("form[data-filters]");
    if (!form) return;
    if (el.name === "followers" && el.checked) {
      form.querySelectorAll('[name="followers_min"],[name="followers_max"]').forEach((input) => {
        input.value = "";
      });
    } else if ((el.name === "followers_min" || el.name === "followers_max") && el.value !== "") {
      form.querySelectorAll('[name="followers"]:checked').forEach((box) => {
        box.checked = false;
      });
    }
  },
  true,
);
