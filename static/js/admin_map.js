/* Admin: place a reception point on a map (Leaflet from the project's own files). Clicking or dragging
   fills the latitude and longitude fields and records the position as exact; « Position de la commune »
   takes the commune's reference point from the gazetteer and records it as approximate. */
(function () {
  "use strict";

  function field(name) {
    return document.getElementById("id_" + name);
  }

  function setUp(node) {
    if (!window.L) return;
    var lat = field("latitude");
    var lon = field("longitude");
    var precision = field("geo_precision");
    var region = node.dataset;
    var start = [Number(lat.value) || Number(region.regionLat), Number(lon.value) || Number(region.regionLon)];
    var map = L.map(node).setView(start, lat.value ? 14 : Number(region.regionZoom));
    if (node.dataset.tilesUrl) {
      L.tileLayer(node.dataset.tilesUrl, { attribution: node.dataset.tilesAttribution, maxZoom: 19 }).addTo(map);
    }
    var marker = L.marker(start, { draggable: true, title: "Position du lieu", alt: "Position du lieu" });
    if (lat.value) marker.addTo(map);
    marker.on("dragend", function () {
      place(marker.getLatLng(), true);
    });

    function place(latlng, exact) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (precision) precision.value = exact ? "exact" : "commune";
      marker.setLatLng(latlng).addTo(map);
    }

    map.on("click", function (event) {
      place(event.latlng, true);
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        if (lat.value && lon.value) marker.setLatLng([Number(lat.value), Number(lon.value)]).addTo(map);
      });
    });

    var button = document.querySelector(".js-commune-position");
    button.addEventListener("click", function () {
      var commune = field("commune");
      if (!commune || !commune.value) return;
      fetch(node.dataset.communeUrl + "?code=" + encodeURIComponent(commune.value))
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data || !data.results.length) return;
          var found = data.results[0];
          place(L.latLng(found.latitude, found.longitude), false);
          map.setView([found.latitude, found.longitude], 13);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-admin-map").forEach(setUp);
  });
})();
