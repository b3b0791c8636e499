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

// A frozen digest is shown in a sandboxed frame (its e-mail HTML, styles and all): grow the frame to its content
// so the page scrolls as one. Without JS the frame keeps its fixed height and scrolls inside.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("iframe[data-fit-content]").forEach((frame) => {
    const fit = () => {
      const doc = frame.contentDocument;
      if (doc && doc.documentElement) frame.style.height = `${doc.documentElement.scrollHeight + 4}px`;
    };
    frame.addEventListener("load", fit);
    fit();
  });
});
