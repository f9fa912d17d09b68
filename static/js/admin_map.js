/* Admin: place a reception point on a map (Leaflet from the project's own files), on the site's own
   basemap (or the configured tiles) with the outline of the point's commune. Clicking or dragging fills
   the latitude and longitude fields and records the position as exact; « Position de la commune » takes
   the commune's reference point and records it as approximate; with the national address service
   configured, a numbered address of the commune places it as exact. */
(function () {
  "use strict";

  function field(name) {
    return document.getElementById("id_" + name);
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (response) {
      return response.json().then(function (data) {
        return { ok: response.ok, data: data };
      });
    });
  }

  function setUp(node) {
    if (!window.L) return;
    var lat = field("latitude");
    var lon = field("longitude");
    var precision = field("geo_precision");
    var commune = field("commune");
    var region = node.dataset;
    var start = [Number(lat.value) || Number(region.regionLat), Number(lon.value) || Number(region.regionLon)];
    var map = L.map(node).setView(start, lat.value ? 14 : Number(region.regionZoom));
    if (window.SproBasemap) window.SproBasemap.background(map, node, 19);
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

    // The commune's outline, drawn again when the commune changes.
    var outline = null;
    var shownCode = null;
    function placingUrl(query) {
      var url = node.dataset.placingUrl + "?commune=" + encodeURIComponent(commune.value.trim());
      return query ? url + "&q=" + encodeURIComponent(query) : url;
    }
    function showCommune(fit) {
      if (!commune || !commune.value.trim()) return Promise.resolve(null);
      return getJSON(placingUrl("")).then(function (answer) {
        if (!answer.ok) return null;
        var found = answer.data;
        if (found.outline !== shownCode && window.SproBasemap && !node.dataset.tilesUrl) {
          shownCode = found.outline;
          if (outline) outline.remove();
          window.SproBasemap.outline(map, node, found.outline).then(function (layer) {
            outline = layer;
            if (layer && fit) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
          });
        }
        return found;
      });
    }
    if (commune) {
      commune.addEventListener("change", function () {
        showCommune(true);
      });
      showCommune(true);
    }

    document.querySelector(".js-commune-position").addEventListener("click", function () {
      showCommune(false).then(function (found) {
        if (!found) return;
        place(L.latLng(found.latitude, found.longitude), false);
        map.setView([found.latitude, found.longitude], 13);
      });
    });

    setUpAddressSearch(place, map, placingUrl);
  }

  // The address search, present only when ADDRESS_API_URL is configured.
  function setUpAddressSearch(place, map, placingUrl) {
    var box = document.querySelector(".js-address-search");
    if (!box) return;
    box.hidden = false;
    var input = box.querySelector(".js-address-query");
    var status = box.querySelector(".js-address-status");
    var results = box.querySelector(".js-address-results");

    function search() {
      var query = input.value.trim();
      results.replaceChildren();
      if (!field("commune").value.trim()) {
        status.textContent = "Choisissez d'abord la commune du lieu.";
        return;
      }
      if (query.length < 3) {
        status.textContent = "Indiquez le numéro et la rue.";
        return;
      }
      status.textContent = "Recherche de l'adresse…";
      getJSON(placingUrl(query))
        .then(function (answer) {
          var data = answer.data;
          status.textContent = data.error || data.addresses.length + " adresse(s) trouvée(s) : choisissez la bonne.";
          (data.addresses || []).forEach(function (address) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button";
            button.textContent = "Placer ici : " + address.label;
            button.addEventListener("click", function () {
              var latlng = L.latLng(address.latitude, address.longitude);
              place(latlng, true);
              map.setView(latlng, 17);
              status.textContent = "Lieu placé au " + address.label + " (position exacte).";
            });
            item.appendChild(button);
            results.appendChild(item);
          });
        })
        .catch(function () {
          status.textContent = "La recherche d'adresse n'a pas abouti. Placez le lieu en cliquant sur la carte.";
        });
    }

    box.querySelector(".js-address-submit").addEventListener("click", search);
    // Enter searches the address instead of saving the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        search();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-admin-map").forEach(setUp);
  });
})();
