/* Annuaire SPRO: progressive enhancement of the search. Everything works without this file;
   it adds « Autour de moi », commune suggestions, filters applied without reloading the page
   (the address bar stays in sync), and the map. No request leaves the site except map tiles,
   and only when a tile server is configured. */
(function () {
  "use strict";

  // --- « Autour de moi »: the position travels only in the address of the results page. ---
  function setUpAroundMe(form) {
    var button = form.querySelector(".js-around-me");
    var status = form.querySelector(".search-box__geo-status");
    if (!button || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // The form's other fields (filters, the helper's answers) travel along; about 100 m of
          // precision is enough to sort places by distance.
          var params = new URLSearchParams(queryOf(form));
          params.delete("q");
          params.set("lat", position.coords.latitude.toFixed(3));
          params.set("lon", position.coords.longitude.toFixed(3));
          window.location.href = form.action + "?" + params.toString();
        },
        function () {
          status.textContent =
            "Votre position n'est pas disponible. Indiquez plutôt votre commune ou votre code postal.";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  }

  // --- Suggestions of communes while typing (a native datalist). ---
  function setUpSuggestions(form) {
    var input = form.querySelector(".search-box__input");
    var list = form.querySelector("datalist");
    if (!input || !list) return;
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery) return;
      timer = window.setTimeout(function () {
        lastQuery = query;
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            list.replaceChildren.apply(
              list,
              data.results.map(function (place) {
                // « Saint-Priest (07000) »: the postal code tells homonyms apart.
                var option = document.createElement("option");
                option.value = place.label;
                return option;
              })
            );
          })
          .catch(function () {});
      }, 200);
    });
  }

  // --- Filters applied without a full reload. ---
  function queryOf(form) {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (params.get(key) === "") params.delete(key);
    });
    params.delete("page");
    return params.toString();
  }

  function setUpLiveFilters(form, map) {
    var results = document.getElementById("resultats");
    var announcer = document.querySelector(".js-results-announcer");
    if (!results || !window.fetch || !window.history.pushState) return;

    function load(url, push) {
      results.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("resultats");
          if (!fresh) {
            window.location.href = url;
            return;
          }
          results.replaceWith(fresh);
          results = fresh;
          var title = fresh.querySelector("#titre-resultats, .alert__title, .no-result__title");
          if (announcer && title) announcer.textContent = title.textContent.replace(/\s+/g, " ").trim();
          document.title = page.title;
          var mapNode = page.querySelector(".js-map");
          if (map && mapNode) map.reload(mapNode.dataset);
          if (push) window.history.pushState({ spro: true }, "", url);
        })
        .catch(function () {
          window.location.href = url;
        });
    }

    form.addEventListener("change", function (event) {
      if (event.target.name === "q") return; // typing a new place is submitted explicitly
      load(form.action + "?" + queryOf(form), true);
    });
    window.addEventListener("popstate", function () {
      load(window.location.href, false);
    });
  }

  // --- The map: Leaflet from the project's static files, markers drawn on a canvas. ---
  // One colour per network (the popup names it; the list holds everything).
  var NETWORK_COLOURS = {
    cio: "#1d4ed8",
    scuio: "#0e7490",
    "info-jeunes": "#7c3aed",
    "france-travail": "#b91c1c",
    "cap-emploi": "#c2410c",
    apec: "#4d7c0f",
    "mission-locale": "#047857",
    "avenir-actifs": "#a16207",
    cma: "#9d174d",
    cci: "#1e3a8a",
    "chambre-agriculture": "#3f6212",
    mife: "#6b21a8",
    cidff: "#be185d",
    association: "#374151",
    collectivite: "#0f766e",
  };
  function createMap(panel) {
    var node = panel.querySelector(".js-map");
    var toggle = panel.querySelector(".js-map-toggle");
    if (!node || !window.L) return null;
    panel.hidden = false;
    var map = null;
    var layer = null;
    var renderer = null;
    var config = node.dataset;

    function draw() {
      if (!map) {
        // One canvas for every marker and the radius circle: tens of thousands of points stay smooth,
        // and no second canvas sits on top of the markers to swallow clicks.
        renderer = L.canvas({ padding: 0.5 });
        map = L.map(node, { renderer: renderer, zoomControl: true });
        map.attributionControl.setPrefix(false);
        if (config.tilesUrl) {
          L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 18 }).addTo(map);
        }
        map.setView([Number(config.regionLat), Number(config.regionLon)], Number(config.regionZoom));
        if (!config.tilesUrl && window.SproBasemap) {
          // No tile server: the basemap that ships with the site.
          window.SproBasemap.add(map, node);
        }
      }
      fetch(config.geojsonUrl, { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data) return;
          if (layer) layer.remove();
          layer = L.geoJSON(data, {
            pointToLayer: function (feature, latlng) {
              var colour = NETWORK_COLOURS[feature.properties.network_id] || "#004a99";
              // A position that is only the commune's centre: a ring, as the legend says.
              if (feature.properties.approximate) {
                return L.circleMarker(latlng, {
                  renderer: renderer,
                  radius: 7,
                  color: colour,
                  weight: 3,
                  fillColor: "#ffffff",
                  fillOpacity: 0.9,
                });
              }
              return L.circleMarker(latlng, {
                renderer: renderer,
                radius: 7,
                color: "#ffffff",
                weight: 1.5,
                fillColor: colour,
                fillOpacity: 0.95,
              });
            },
            onEachFeature: function (feature, marker) {
              var link = document.createElement("a");
              link.href = feature.properties.url;
              link.textContent = feature.properties.name;
              var wrapper = document.createElement("div");
              wrapper.appendChild(link);
              var network = document.createElement("div");
              network.textContent = feature.properties.network;
              wrapper.appendChild(network);
              marker.bindPopup(wrapper);
            },
          }).addTo(map);
          if (config.lat && config.radiusKm) {
            var circle = L.circle([Number(config.lat), Number(config.lon)], {
              radius: Number(config.radiusKm) * 1000,
              renderer: renderer,
              color: "#4a4a4a",
              weight: 1,
              fill: false,
              interactive: false,
            }).addTo(layer);
            map.fitBounds(circle.getBounds());
          } else if (data.features.length) {
            map.fitBounds(layer.getBounds(), { maxZoom: 13, padding: [20, 20] });
          }
        })
        .catch(function () {});
    }

    function shown() {
      return !node.classList.contains("is-collapsed");
    }

    // On narrow screens the map waits behind a button, below the list.
    var narrow = window.matchMedia("(max-width: 59.99em)");
    function applyLayout() {
      toggle.hidden = !narrow.matches;
      node.classList.toggle("is-collapsed", narrow.matches && toggle.getAttribute("aria-expanded") !== "true");
      if (shown()) {
        draw();
        if (map) map.invalidateSize();
      }
    }
    toggle.addEventListener("click", function () {
      var expanded = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!expanded));
      toggle.textContent = expanded ? "Afficher la carte" : "Masquer la carte";
      applyLayout();
    });
    narrow.addEventListener("change", applyLayout);
    applyLayout();

    return {
      reload: function (dataset) {
        config = dataset;
        if (shown()) draw();
      },
    };
  }

  // --- The small map of a place's page: the tile server's, else the site's own basemap. ---
  function setUpPointMap(node) {
    if (!window.L) return;
    node.hidden = false;
    var position = [Number(node.dataset.lat), Number(node.dataset.lon)];
    var map = L.map(node, { scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    if (node.dataset.tilesUrl) {
      map.setView(position, 15);
      L.tileLayer(node.dataset.tilesUrl, { attribution: node.dataset.tilesAttribution, maxZoom: 18 }).addTo(map);
    } else {
      map.setView(position, 12);
      if (window.SproBasemap) window.SproBasemap.add(map, node);
    }
    // An approximate position (the commune's centre) is drawn as a hollow ring, not a pin.
    var approximate = node.dataset.approximate === "true";
    L.circleMarker(position, {
      radius: approximate ? 14 : 8,
      color: approximate ? "#004a99" : "#ffffff",
      weight: approximate ? 3 : 2,
      fillColor: "#004a99",
      fillOpacity: approximate ? 0.15 : 0.9,
    }).addTo(map);
  }

  // --- « Partager »: the phone's share sheet when there is one, else copy the address. ---
  function setUpShare(button) {
    var status = document.querySelector(".js-share-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var data = { title: document.title, url: button.dataset.url };
      if (navigator.share) {
        navigator.share(data).catch(function () {});
      } else if (navigator.clipboard) {
        navigator.clipboard.writeText(data.url).then(function () {
          if (status) status.textContent = "Adresse de la page copiée.";
        });
      }
    });
  }

  document.querySelectorAll(".js-point-map").forEach(setUpPointMap);
  document.querySelectorAll(".js-share").forEach(setUpShare);
  document.querySelectorAll(".js-search-form").forEach(function (form) {
    setUpAroundMe(form);
    setUpSuggestions(form);
  });
  var panel = document.querySelector(".js-map-panel");
  var map = panel ? createMap(panel) : null;
  var searchForm = document.querySelector(".search-page__form");
  if (searchForm) setUpLiveFilters(searchForm, map);
})();
