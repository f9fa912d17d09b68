/* Admin: draw the communes of a structure's area of competence (Leaflet from the project's own files),
   on the site's basemap unless a tile server is configured.
   The page lists and counts them without JavaScript; the map shows where they are. */
(function () {
  "use strict";

  function setUp(node) {
    if (!window.L) return;
    var communes = JSON.parse(node.dataset.communes || "[]");
    if (!communes.length) return;
    var map = L.map(node);
    var points = communes.map(function (commune) {
      return L.circleMarker([commune[0], commune[1]], { radius: 4, weight: 1, color: "#004a99", fillOpacity: 0.6 })
        .bindTooltip(commune[2])
        .addTo(map);
    });
    map.fitBounds(L.featureGroup(points).getBounds(), { padding: [10, 10] });
    if (window.SproBasemap) window.SproBasemap.background(map, node, 19);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-area-map").forEach(setUp);
  });
})();
