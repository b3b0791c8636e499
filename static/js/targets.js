// The targets grid, progressively enhanced: changed inputs are marked, the checks ("Σ children − parent") follow
// what is typed before saving, and leaving with unsaved changes asks first. Without JS the server shows the same.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-target-grid]");
  if (!form) return;
  const table = form.querySelector("table.target-grid");
  const decimals = Number(form.dataset.decimals || 0);
  const rows = Array.from(table.tBodies[0].rows);
  let dirty = false;

  const valueOf = (td) => {
    const input = td.querySelector("input");
    const text = input ? input.value : td.dataset.value;
    return text === "" || text === undefined ? null : Number(text);
  };
  const figures = (row) => Array.from(row.cells).slice(1, -1);
  const show = (td, parent, children) => {
    // Only where the server compares (a check cell with content other than "—") or figures now exist.
    if (children.every((v) => v === null)) return;
    const diff = children.reduce((sum, v) => sum + (v || 0), 0) - (parent || 0);
    const rounded = Number(diff.toFixed(decimals));
    const span = document.createElement("span");
    span.className = "check " + (rounded === 0 && parent !== null ? "ok" : "diff");
    const sign = rounded > 0 ? "+" : rounded < 0 ? "−" : "";
    span.textContent = rounded === 0 && parent !== null ? "✓ 0" : sign + Math.abs(rounded).toLocaleString(undefined, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    td.replaceChildren(span);
  };
  const recompute = () => {
    rows.forEach((row) => {
      const cells = figures(row).map(valueOf);
      show(row.cells[row.cells.length - 1], cells[0], cells.slice(1));
    });
    const footer = table.tFoot && table.tFoot.rows[0];
    if (!footer || rows.length < 2) return;
    figures(rows[0]).forEach((_td, i) => {
      const parent = valueOf(figures(rows[0])[i]);
      const children = rows.slice(1).map((row) => valueOf(figures(row)[i]));
      show(footer.cells[i + 1], parent, children);
    });
  };
  form.addEventListener("input", (event) => {
    if (!event.target.matches("input.cell-input")) return;
    event.target.classList.toggle("dirty", event.target.value !== event.target.defaultValue);
    dirty = true;
    recompute();
  });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
});
