// Light progressive enhancement; every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  // The language switch submits as soon as a language is picked (the button stays for browsers without JS).
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.classList.add("enhanced");
    form.querySelectorAll("select").forEach((select) => select.addEventListener("change", () => form.submit()));
  });
  // On wide screens the menu is always open; <details> stays closed on phones until tapped.
  const menu = document.getElementById("main-menu");
  const wide = window.matchMedia("(min-width: 760px)");
  const sync = () => { if (menu) menu.open = wide.matches; };
  wide.addEventListener("change", sync);
  sync();
});
