// Plan editor: autosave of drafts and a small formatting toolbar. Progressive enhancement: without JS the
// "Save draft" button does the same job.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("plan-editor");
  if (!form) return;
  const status = form.querySelector(".autosave-status");
  const url = form.dataset.autosaveUrl;
  let timer = null;
  let dirty = false;
  let saving = false;

  const clearErrors = () => form.querySelectorAll("[data-autosave-error]").forEach((el) => el.remove());
  const showErrors = (errors) => {
    clearErrors();
    Object.entries(errors || {}).forEach(([name, messages]) => {
      const field = form.querySelector(`[name="${name}"]`);
      if (!field) return;
      const list = document.createElement("ul");
      list.className = "errors";
      list.dataset.autosaveError = "";
      messages.forEach((m) => { const li = document.createElement("li"); li.textContent = m; list.appendChild(li); });
      field.insertAdjacentElement("afterend", list);
    });
  };

  const save = async () => {
    if (!dirty || saving) return;
    saving = true;
    dirty = false;
    status.classList.remove("error");
    status.textContent = form.dataset.msgSaving;
    try {
      const response = await fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" } });
      const data = await response.json();
      if (response.ok) {
        clearErrors();
        status.textContent = data.message;
      } else {
        status.classList.add("error");
        status.textContent = data.detail;
        showErrors(data.errors);
      }
    } catch (error) {
      dirty = true;
      status.classList.add("error");
      status.textContent = form.dataset.msgOffline;
    } finally {
      saving = false;
    }
  };

  const schedule = () => { dirty = true; clearTimeout(timer); timer = setTimeout(save, 1500); };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("online", () => { if (dirty) save(); });
  form.addEventListener("submit", () => { dirty = false; clearTimeout(timer); });
  window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); event.returnValue = ""; } });

  // Formatting toolbar over each formatted-text area: wraps the selection or starts a line.
  form.querySelectorAll("textarea[data-formatted]").forEach((area) => {
    const bar = document.createElement("div");
    bar.className = "format-toolbar";
    const tools = [
      [form.dataset.labelBold, (text) => `**${text || "…"}**`, false],
      [form.dataset.labelList, (text) => (text || "").split("\n").map((line) => `- ${line}`).join("\n"), true],
      [form.dataset.labelHeading, (text) => `# ${text || ""}`, true],
    ];
    tools.forEach(([label, wrap, atLineStart]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", () => {
        const { selectionStart: start, selectionEnd: end, value } = area;
        let from = start;
        if (atLineStart) from = value.lastIndexOf("\n", start - 1) + 1;
        const replacement = wrap(value.slice(from, end));
        area.setRangeText(replacement, from, end, "end");
        area.focus();
        schedule();
      });
      bar.appendChild(button);
    });
    area.insertAdjacentElement("beforebegin", bar);
  });
});
