// The daily report page, enhanced: add and remove rows without a reload, "nothing to report", the live "what is
// missing" panel, the last outlet pre-selected in a new row, draft autosave (kept on the device while offline) and
// photos from the phone camera. Without this script the form still works: it posts and the server answers.
(() => {
  "use strict";

  const form = document.getElementById("report-form");
  if (!form) return;
  form.classList.add("js");

  const d = form.dataset;
  const amending = d.mode === "amend";
  const statusLine = form.querySelector(".autosave-status");
  const STORE = "coordination.report-form.";
  const LAST_OUTLET = `${STORE}last-outlet`;
  let storageKey = STORE + d.storageKey;
  const sections = Array.from(form.querySelectorAll("[data-section]"));

  const format = (template, values) => template.replace(/%\((\w+)\)s/g, (_m, key) => (key in values ? values[key] : ""));
  const csrfToken = () => {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  };
  const uuid4 = () => {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const storage = {
    get(key) { try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; } },
    set(key, value) { try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or disabled */ } },
    remove(key) { try { localStorage.removeItem(key); } catch (e) { /* disabled */ } },
  };
  const setStatus = (text, kind) => {
    if (!statusLine) return;
    statusLine.textContent = text || "";
    statusLine.classList.toggle("error", kind === "error");
    statusLine.classList.toggle("offline", kind === "offline");
  };

  // --- rows, counts and the missing panel -----------------------------------------------------------------------

  const controls = (root) => Array.from(root.querySelectorAll("input[name], select[name], textarea[name]"));
  const rowIsBlank = (row) => controls(row).every((el) => (el.type === "checkbox" ? !el.checked : !el.value.trim()));
  const rowsOf = (section) => Array.from(section.querySelector("[data-rows]").children).filter((el) => el.matches("[data-row]"));
  const nothingOf = (section) => section.querySelector("[data-nothing]");

  const updateSection = (section) => {
    const filled = rowsOf(section).filter((row) => !rowIsBlank(row)).length;
    const nothing = nothingOf(section).checked;
    const done = nothing || filled > 0;
    section.querySelector("[data-count]").textContent = String(filled);
    section.querySelector("[data-tick]").hidden = !done;
    section.classList.toggle("is-done", done);
    section.classList.toggle("is-nothing", nothing);
    return done;
  };

  const updateMissing = () => {
    const missing = sections.filter((section) => !updateSection(section));
    form.querySelectorAll("[data-missing-count]").forEach((el) => {
      el.textContent = String(missing.length);
      el.classList.toggle("todo", missing.length > 0);
      el.classList.toggle("done", missing.length === 0);
    });
    const list = form.querySelector("[data-missing-list]");
    if (list) {
      list.replaceChildren(...missing.map((section) => {
        const item = document.createElement("li");
        item.dataset.key = section.dataset.section;
        const link = document.createElement("a");
        link.href = `#section-${section.dataset.section}`;
        link.textContent = section.dataset.label;
        link.addEventListener("click", () => { section.open = true; });
        item.appendChild(link);
        return item;
      }));
    }
    const allDone = form.querySelector("[data-all-done]");
    if (allDone) allDone.hidden = missing.length > 0;
  };

  const renumber = (section) => rowsOf(section).forEach((row, i) => {
    const number = row.querySelector("[data-row-number]");
    if (number) number.textContent = String(i + 1);
  });

  const rememberOutlet = (value) => {
    if (!value) return;
    d.lastOutlet = value;
    storage.set(LAST_OUTLET, value);
  };

  const wireRow = (row) => {
    const remove = row.querySelector("[data-remove-row]");
    if (remove) {
      remove.hidden = false;
      remove.addEventListener("click", () => {
        const section = row.closest("[data-section]");
        row.remove();
        if (!rowsOf(section).length) addRow(section, { preselect: false, focus: false });
        renumber(section);
        changed(section);
      });
    }
    row.querySelectorAll("[data-photo-field]").forEach(wirePhoto);
  };

  const addRow = (section, { preselect = true, focus = true, index = null } = {}) => {
    const template = section.querySelector("template[data-row-template]");
    const next = index === null ? Number(section.dataset.nextIndex || 0) : index;
    section.dataset.nextIndex = String(Math.max(Number(section.dataset.nextIndex || 0), next + 1));
    const fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("*").forEach((el) => {
      ["name", "id", "for", "aria-describedby"].forEach((attr) => {
        const value = el.getAttribute(attr);
        if (value && value.includes("__prefix__")) el.setAttribute(attr, value.replace(/__prefix__/g, String(next)));
      });
    });
    const row = fragment.querySelector("[data-row]");
    row.dataset.index = String(next);
    const outlet = row.querySelector("select[data-kind=outlet]");
    const last = d.lastOutlet || storage.get(LAST_OUTLET);
    if (preselect && outlet && last && outlet.querySelector(`option[value="${CSS.escape(String(last))}"]`)) {
      outlet.value = String(last);
    }
    section.querySelector("[data-rows]").appendChild(fragment);
    wireRow(row);
    renumber(section);
    if (focus) {
      const first = controls(row).find((el) => el.type !== "hidden" && !el.value);
      if (first) first.focus();
    }
    return row;
  };

  sections.forEach((section) => {
    const add = section.querySelector("[data-add-row]");
    add.hidden = false;
    add.addEventListener("click", () => { addRow(section); changed(section); });
    rowsOf(section).forEach(wireRow);
    nothingOf(section).addEventListener("change", () => updateMissing());
  });

  // --- autosave (drafts only) ------------------------------------------------------------------------------------

  const autosave = !amending && form.querySelector("button[value=submit]");
  let timer = null;
  let dirty = false;
  let saving = false;
  let again = false;

  const snapshot = () => {
    if (!autosave) return;
    const fields = [];
    new FormData(form).forEach((value, name) => {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    const rows = {};
    const thumbs = {};
    sections.forEach((section) => {
      rows[section.dataset.section] = rowsOf(section).map((row) => Number(row.dataset.index));
      section.querySelectorAll("[data-photo-field]").forEach((field) => {
        const id = field.querySelector("[data-photo-id]");
        const img = field.querySelector("[data-photo-thumb]");
        if (id.value && img.getAttribute("src")) thumbs[id.name] = img.getAttribute("src");
      });
    });
    storage.set(storageKey, { version: d.version, fields, rows, thumbs, at: Date.now() });
  };

  const restore = (saved) => {
    sections.forEach((section) => {
      const indexes = saved.rows[section.dataset.section] || [];
      rowsOf(section).forEach((row) => row.remove());
      indexes.forEach((index) => addRow(section, { preselect: false, focus: false, index }));
      if (!indexes.length) addRow(section, { preselect: false, focus: false });
    });
    form.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = false; });
    saved.fields.forEach(([name, value]) => {
      const el = form.elements.namedItem(name);
      if (!el || el instanceof RadioNodeList) return;
      if (el.type === "checkbox") el.checked = true;
      else el.value = value;
    });
    Object.entries(saved.thumbs || {}).forEach(([name, src]) => {
      const id = form.elements.namedItem(name);
      const img = id && id.closest("[data-photo-field]").querySelector("[data-photo-thumb]");
      if (img) { img.src = src; img.hidden = false; }
    });
    form.querySelectorAll("[data-photo-field]").forEach((field) => { if (field.syncPhoto) field.syncPhoto(); });
  };

  const clearJsErrors = () => {
    form.querySelectorAll(".report-section .errors").forEach((el) => el.remove());
    form.querySelectorAll(".report-section .has-error, .report-section.has-error").forEach((el) => el.classList.remove("has-error"));
    form.querySelectorAll(".report-section [aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  };

  const errorList = (messages) => {
    const list = document.createElement("ul");
    list.className = "errors";
    messages.forEach((message) => {
      const item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    return list;
  };

  const showErrors = (errors) => {
    clearJsErrors();
    Object.entries(errors || {}).forEach(([name, messages]) => {
      const el = form.elements.namedItem(name);
      if (el && !(el instanceof RadioNodeList)) {
        const row = el.closest("[data-row]");
        if (row && row.contains(document.activeElement)) return; // being typed: say it when the rep moves on
        const field = el.closest(".field");
        if (field) { field.classList.add("has-error"); field.appendChild(errorList(messages)); }
        el.setAttribute("aria-invalid", "true");
        if (row) row.classList.add("has-error");
        return;
      }
      const rowMatch = name.match(/^([a-z_]+)-(\d+)$/);
      if (rowMatch) {
        const row = form.querySelector(`[data-section="${rowMatch[1]}"] [data-row][data-index="${rowMatch[2]}"]`);
        if (row && !row.contains(document.activeElement)) {
          row.classList.add("has-error");
          row.querySelector(".row-grid").before(errorList(messages));
        }
        return;
      }
      const section = form.querySelector(`[data-section="${name}"]`);
      if (section) section.querySelector("[data-rows]").before(errorList(messages));
    });
  };

  const save = async () => {
    if (!autosave || !dirty) return;
    if (saving) { again = true; return; }
    if (navigator.onLine === false) { setStatus(d.msgOffline, "offline"); return; }
    saving = true;
    dirty = false;
    setStatus(d.msgSaving);
    try {
      const body = new FormData(form);
      body.delete("action");
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
      let data = null;
      try { data = await response.json(); } catch (e) { data = null; }
      if (!data) {
        dirty = true;
        setStatus(d.msgFailed, "error");
        return;
      }
      showErrors(data.errors);
      if (!data.ok) {
        const top = (data.errors && data.errors.__all__) || [];
        setStatus([d.msgFailed, ...top].join(" "), "error");
        return;
      }
      if (data.edit_url && form.getAttribute("action") !== data.edit_url) {
        // The new report exists now: further saves (and Submit) go to its edit page.
        storage.remove(storageKey);
        storageKey = `${STORE}report-${data.id}`;
        form.setAttribute("action", data.edit_url);
        history.replaceState(null, "", data.edit_url);
      }
      if (data.version) d.version = data.version;
      const pending = Object.keys(data.errors || {}).length > 0;
      setStatus(format(pending ? d.msgPending : d.msgSaved, { time: data.saved_at }));
      if (pending || dirty) snapshot();
      else storage.remove(storageKey);
    } catch (error) {
      dirty = true;
      setStatus(d.msgOffline, "offline");
    } finally {
      saving = false;
      if (again) { again = false; schedule(); }
    }
  };

  const schedule = () => {
    if (!autosave) return;
    dirty = true;
    snapshot();
    clearTimeout(timer);
    timer = setTimeout(save, 2000);
  };

  function changed(section) {
    if (amending && section) {
      const amend = section.querySelector("[data-amend]");
      if (amend && !amend.checked) { amend.checked = true; section.classList.remove("not-amended"); }
    }
    updateMissing();
    schedule();
  }

  form.addEventListener("input", (event) => {
    if (event.target.matches("[data-photo-input]")) return;
    changed(event.target.closest("[data-section]"));
  });
  form.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("[data-photo-input]")) return;
    if (target.matches("select[data-kind=outlet]")) rememberOutlet(target.value);
    if (target.matches("[data-amend]")) {
      target.closest("[data-section]").classList.toggle("not-amended", !target.checked);
      return;
    }
    changed(target.closest("[data-section]"));
  });
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    dirty = false;
    storage.remove(storageKey); // the server answers with the page again (values kept) if anything is wrong
  });
  window.addEventListener("online", () => { if (dirty) save(); });
  window.addEventListener("offline", () => { if (dirty) setStatus(d.msgOffline, "offline"); });

  // --- photos ---------------------------------------------------------------------------------------------------

  function wirePhoto(field) {
    if (field.dataset.wired) return;
    field.dataset.wired = "1";
    const pick = field.querySelector("[data-photo-pick]");
    const input = field.querySelector("[data-photo-input]");
    const status = field.querySelector("[data-photo-status]");
    if (!pick || !input) return;
    pick.hidden = false;
    status.textContent = "";
    // A wrong picture can be taken off the line (the line then has no photo until another one is attached).
    const photoId = field.querySelector("[data-photo-id]");
    const thumb = field.querySelector("[data-photo-thumb]");
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "small remove-photo";
    remove.textContent = d.msgRemovePhoto;
    pick.after(remove);
    field.syncPhoto = () => { remove.hidden = !photoId.value; };
    field.syncPhoto();
    remove.addEventListener("click", () => {
      photoId.value = "";
      thumb.removeAttribute("src");
      thumb.hidden = true;
      status.textContent = "";
      field.syncPhoto();
      changed(field.closest("[data-section]"));
    });
    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      status.textContent = d.msgUploading;
      const body = new FormData();
      body.append("file", file);
      body.append("client_uuid", uuid4());
      try {
        const response = await fetch(d.photoUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        });
        const data = await response.json();
        if (!response.ok) {
          const details = Object.values(data || {}).flat().filter((m) => typeof m === "string");
          status.textContent = [d.msgUploadFailed, ...details].join(" ");
          return;
        }
        field.querySelector("[data-photo-id]").value = String(data.id);
        const img = field.querySelector("[data-photo-thumb]");
        img.src = data.thumbnail_url;
        img.hidden = false;
        status.textContent = d.msgUploaded;
        field.syncPhoto();
        input.value = "";
        changed(field.closest("[data-section]"));
      } catch (error) {
        status.textContent = d.msgUploadFailed;
      }
    });
  }

  // --- start ----------------------------------------------------------------------------------------------------

  if (autosave) {
    const saved = storage.get(storageKey);
    if (saved && saved.version === d.version && Array.isArray(saved.fields)) {
      restore(saved);
      setStatus(d.msgRestored);
      dirty = true;
      timer = setTimeout(save, 500);
    }
  }
  updateMissing();
})();
