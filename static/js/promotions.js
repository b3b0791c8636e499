// Promotion form enhancements; the form works the same without them.
document.addEventListener("DOMContentLoaded", () => {
  // The last day cannot be before the first: let the date picker know.
  const starts = document.getElementById("id_starts_on");
  const ends = document.getElementById("id_ends_on");
  if (starts && ends) {
    const sync = () => { ends.min = starts.value || ""; };
    starts.addEventListener("change", sync);
    sync();
  }
  // Show how many options are ticked next to each group's legend (long product lists on a phone).
  document.querySelectorAll(".promotion-form fieldset").forEach((fieldset) => {
    const boxes = fieldset.querySelectorAll('input[type="checkbox"]');
    const legend = fieldset.querySelector("legend");
    if (!boxes.length || !legend) return;
    const counter = document.createElement("span");
    counter.className = "selected-count";
    legend.appendChild(counter);
    const update = () => {
      const n = Array.from(boxes).filter((box) => box.checked).length;
      counter.textContent = n ? ` (${n})` : "";
    };
    boxes.forEach((box) => box.addEventListener("change", update));
    update();
  });
});
