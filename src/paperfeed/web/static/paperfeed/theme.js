// Apply the saved theme before first paint, so dark-theme users never see a light flash.
(function () {
  var saved = null;
  try { saved = localStorage.getItem("paperfeed-theme"); } catch (e) { /* storage disabled */ }
  if (saved === "light" || saved === "dark") document.documentElement.setAttribute("data-theme", saved);
})();
