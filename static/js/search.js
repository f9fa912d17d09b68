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

  // The parts of the form that say what is searched (« Filtrer (2 actifs) », the folded summary)
  // are taken from the page the server rendered for the new address.
  var SUMMARIES = [".filters__summary", ".search-edit__what"];

  function copySummaries(form, page) {
    SUMMARIES.forEach(function (selector) {
      var mine = form.querySelector(selector);
      var fresh = page.querySelector(selector);
      if (mine && fresh) mine.innerHTML = fresh.innerHTML;
    });
  }

  // After Back or Forward, every control shows what the address says, as the server rendered it.
  function copyControls(form, page) {
    Array.from(form.elements).forEach(function (control) {
      if (!control.id || control.name === "q") return;
      var fresh = page.getElementById(control.id);
      if (!fresh) return;
      if (control.type === "checkbox" || control.type === "radio") {
        control.checked = fresh.hasAttribute("checked");
      } else if (control.tagName === "SELECT") {
        var selected = fresh.querySelector("option[selected]");
        control.value = selected ? selected.value : fresh.options.length ? fresh.options[0].value : "";
      } else if (control.type !== "hidden" && control.type !== "submit" && control.type !== "button") {
        control.value = fresh.getAttribute("value") || "";
      }
    });
  }

  function setUpLiveFilters(form, map) {
    var results = document.getElementById("resultats");
    var announcer = document.querySelector(".js-results-announcer");
    if (!results || !window.fetch || !window.history.pushState) return;
    var lastUrl = window.location.href;

    function load(url, push) {
      lastUrl = url;
      results.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          // A newer choice was made meanwhile: only its answer is shown (and announced).
          if (url !== lastUrl) return;
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("resultats");
          if (!fresh) {
            window.location.href = url;
            return;
          }
          results.replaceWith(fresh);
          results = fresh;
          copySummaries(form, page);
          if (!push) copyControls(form, page);
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

    function apply() {
      var url = form.action + "?" + queryOf(form);
      if (url !== lastUrl) load(url, true);
    }

    // A list box moved with the keyboard changes at each arrow key: the choice is applied when the
    // person leaves the list or presses Enter, not once per option passed over.
    var keyed = null;
    form.addEventListener("keydown", function (event) {
      if (event.target.tagName !== "SELECT") return;
      if (event.key === "Enter" && keyed) {
        event.preventDefault();
        keyed = null;
        apply();
      } else if (event.key !== "Tab" && event.key !== "Shift" && event.key !== "Escape") {
        keyed = event.target;
      }
    });
    form.addEventListener("focusout", function (event) {
      if (event.target === keyed) {
        keyed = null;
        apply();
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "q") return; // typing a new place is submitted explicitly
      if (event.target === keyed) return;
      apply();
    });
    window.addEventListener("popstate", function () {
      load(window.location.href, false);
    });
  }

  // --- The map: Leaflet from the project's static files. ---
  // It asks the server for the box it shows and its zoom (annuaire/mapping.py): the points, or beyond
  // 100 of them clusters with their count. The results of the list's page are numbered pins, in step
  // with the list: hovering or focusing one highlights the other, and their popup links back to it.
  // Network colours are CSS classes (site.css, « map-pin--<network> »).
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) {
    var anchor = element("a", "", text);
    anchor.href = href;
    return anchor;
  }

  // `shift`: [x, y] in pixels, to fan out pins that share one position (a commune's centre).
  function pinIcon(network, approximate, label, shift) {
    var classes = "map-pin map-pin--" + network + (approximate ? " map-pin--approximate" : "");
    if (label) classes += " map-pin--numbered";
    var size = label ? 30 : 16;
    var dx = shift ? shift[0] : 0;
    var dy = shift ? shift[1] : 0;
    return L.divIcon({
      className: classes,
      html: label ? element("span", "", label) : "",
      iconSize: [size, size],
      iconAnchor: [size / 2 - dx, size / 2 - dy],
      popupAnchor: [dx, dy - size / 2],
    });
  }

  // Pins of the list that would overlap at this zoom, fanned out on a circle around the first of
  // them: each stays visible and big enough to touch. Returns each pin's shift in pixels.
  var PIN_SPACE_PX = 32;
  function fanOut(map, pins) {
    var groups = [];
    pins.forEach(function (pin) {
      var at = map.latLngToLayerPoint(pin.marker.getLatLng());
      for (var i = 0; i < groups.length; i++) {
        if (groups[i].at.distanceTo(at) < PIN_SPACE_PX) {
          groups[i].pins.push({ pin: pin, at: at });
          return;
        }
      }
      groups.push({ at: at, pins: [{ pin: pin, at: at }] });
    });
    var shifts = new Map();
    groups.forEach(function (group) {
      var count = group.pins.length;
      var radius = count < 2 ? 0 : Math.max(22, (count * (PIN_SPACE_PX + 2)) / (2 * Math.PI));
      group.pins.forEach(function (member, index) {
        var angle = (2 * Math.PI * index) / count - Math.PI / 2;
        shifts.set(member.pin, [
          Math.round(group.at.x + radius * Math.cos(angle) - member.at.x),
          Math.round(group.at.y + radius * Math.sin(angle) - member.at.y),
        ]);
      });
    });
    return shifts;
  }

  // Snap the box outwards to a grid of its zoom, so that small moves ask the same address (cached).
  function boxOf(map) {
    var bounds = map.getBounds();
    var step = 360 / Math.pow(2, map.getZoom()) / 4;
    function down(value) {
      return (Math.floor(value / step) * step).toFixed(5);
    }
    function up(value) {
      return (Math.ceil(value / step) * step).toFixed(5);
    }
    return [
      down(Math.max(bounds.getWest(), -180)),
      down(Math.max(bounds.getSouth(), -90)),
      up(Math.min(bounds.getEast(), 180)),
      up(Math.min(bounds.getNorth(), 90)),
    ].join(",");
  }

  function listedResults() {
    return Array.prototype.slice.call(document.querySelectorAll("#resultats .results__list > li[data-point]"));
  }

  function createMap(panel) {
    var node = panel.querySelector(".js-map");
    var toggles = document.querySelectorAll(".js-map-toggle");
    var legend = panel.querySelector(".js-map-legend");
    if (!node || !window.L) return null;
    panel.hidden = false;
    var map = null;
    var served = null; // the server's points and clusters
    var numbered = null; // the list's page
    var circle = null;
    var config = node.dataset;
    var lastUrl = null;
    var request = 0;
    var pinOf = {};

    function dataUrl(withBox) {
      var url = config.geojsonUrl + (config.geojsonUrl.indexOf("?") === -1 ? "?" : "&") + "zoom=" + map.getZoom();
      return withBox ? url + "&bbox=" + boxOf(map) : url;
    }

    function fetchData(url, then) {
      if (url === lastUrl) return;
      lastUrl = url;
      request += 1;
      var mine = request;
      fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data || mine !== request) return; // a later view is already on its way
          drawServed(data);
          if (then) then(data);
        })
        .catch(function () {});
    }

    function pointPopup(properties, rank) {
      var wrapper = element("div", "map-popup");
      var title = element("p", "map-popup__title");
      title.appendChild(link(properties.url, properties.name));
      wrapper.appendChild(title);
      if (properties.structure && properties.name.indexOf(properties.structure) === -1) {
        wrapper.appendChild(element("p", "", properties.structure));
      }
      var meta = [properties.network];
      if (properties.distance) meta.unshift(properties.distance);
      if (properties.approximate) meta.push("position approximative");
      wrapper.appendChild(element("p", "map-popup__meta", meta.join(" · ")));
      if (rank) {
        var back = link("#resultat-" + properties.id, "Voir le n° " + rank + " dans la liste");
        back.addEventListener("click", function (event) {
          event.preventDefault();
          backToList(properties.id);
        });
        wrapper.appendChild(element("p")).appendChild(back);
      }
      return wrapper;
    }

    // A popup's « Voir dans la liste »: to the card (the map closes on a phone), the keyboard with it.
    function backToList(slug) {
      var item = document.getElementById("resultat-" + slug);
      if (!item) return;
      map.closePopup();
      if (narrow.matches && expanded) {
        expanded = false;
        applyLayout();
      }
      item.scrollIntoView({ block: "center" });
      var card = item.querySelector(".result__title a");
      if (card) card.focus();
    }

    function clusterMarker(feature) {
      var count = feature.properties.point_count;
      var box = feature.bbox;
      var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      var size = count < 10 ? 30 : count < 100 ? 36 : 44;
      var marker = L.marker(latlng, {
        icon: L.divIcon({ className: "map-cluster", html: element("span", "", String(count)), iconSize: [size, size] }),
        title: count + " lieux : zoomer sur ce groupe",
        riseOnHover: true,
      });
      marker.on("click", function () {
        var bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
        if (bounds.getNorthEast().equals(bounds.getSouthWest()) || map.getZoom() >= map.getMaxZoom()) {
          // Every place of the group at the same position (often a commune's centre): the list says
          // which, from that position.
          var params = new URLSearchParams(window.location.search);
          ["q", "commune", "page"].forEach(function (key) {
            params.delete(key);
          });
          params.set("lat", latlng[0].toFixed(4));
          params.set("lon", latlng[1].toFixed(4));
          params.set("rayon", "5");
          var wrapper = element("div", "map-popup");
          wrapper.appendChild(element("p", "map-popup__title", count + " lieux à cette position"));
          wrapper.appendChild(element("p")).appendChild(link("?" + params.toString(), "Les voir dans la liste"));
          marker.bindPopup(wrapper).openPopup();
        } else {
          map.fitBounds(bounds, { padding: [30, 30], maxZoom: map.getZoom() + 3 });
        }
      });
      return marker;
    }

    function drawServed(data) {
      if (served) served.remove();
      served = L.layerGroup();
      var networks = {};
      (data.features || []).forEach(function (feature) {
        var properties = feature.properties;
        if (properties.cluster) {
          clusterMarker(feature).addTo(served);
          return;
        }
        properties.id = feature.id;
        networks[properties.network_id] = properties.network;
        var pin = pinOf[feature.id];
        if (pin) {
          pin.properties = properties; // a numbered pin already shows it
          var update = function () {
            pin.marker.setPopupContent(pointPopup(properties, pin.rank));
          };
          // An open popup keeps its links under the finger: its content changes once it is closed.
          if (pin.marker.isPopupOpen()) pin.marker.once("popupclose", update);
          else update();
          return;
        }
        var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        L.marker(latlng, {
          icon: pinIcon(properties.network_id, properties.approximate, ""),
          keyboard: false, // the list holds them all; keyboard users reach the numbered ones and the groups
          title: properties.name,
        })
          .bindPopup(pointPopup(properties, null))
          .addTo(served);
      });
      served.addTo(map);
      showLegend(networks);
    }

    function showLegend(networks) {
      if (!legend) return;
      listedResults().forEach(function (item) {
        networks[item.dataset.network] = item.dataset.networkName;
      });
      var entries = Object.keys(networks)
        .filter(function (key) {
          return networks[key];
        })
        .sort(function (a, b) {
          return networks[a].localeCompare(networks[b], "fr");
        });
      legend.replaceChildren.apply(
        legend,
        entries.map(function (key) {
          var entry = element("li", "map-legend__item");
          entry.appendChild(element("span", "map-legend__swatch map-pin--" + key));
          entry.appendChild(document.createTextNode(networks[key]));
          return entry;
        })
      );
      legend.hidden = entries.length === 0;
    }

    function highlight(slug, on) {
      var pin = pinOf[slug];
      if (pin) {
        var icon = pin.marker.getElement();
        if (icon) icon.classList.toggle("is-highlighted", on);
        pin.marker.setZIndexOffset(on ? 1000 : 0);
        pin.item.classList.toggle("is-highlighted", on);
      }
    }

    // The list's page as numbered pins, above the server's points and clusters.
    function drawNumbered() {
      if (numbered) numbered.remove();
      numbered = L.layerGroup();
      pinOf = {};
      var list = document.querySelector("#resultats .results__list");
      var start = list ? Number(list.getAttribute("start") || 1) : 1;
      listedResults().forEach(function (item, index) {
        var slug = item.dataset.point;
        var rank = String(start + index);
        var titleLink = item.querySelector(".result__title a");
        var name = titleLink ? titleLink.textContent.trim() : slug;
        var properties = {
          id: slug,
          name: name,
          url: titleLink ? titleLink.href : "#",
          structure: item.dataset.structure || "",
          network: item.dataset.networkName || "",
          network_id: item.dataset.network,
          approximate: item.dataset.approximate === "true",
          distance: item.dataset.distance || "",
        };
        var marker = L.marker([Number(item.dataset.latitude), Number(item.dataset.longitude)], {
          icon: pinIcon(item.dataset.network, properties.approximate, rank, null),
          title: rank + ". " + name,
          zIndexOffset: 500,
        }).bindPopup(pointPopup(properties, rank));
        marker.on("mouseover", function () {
          highlight(slug, true);
        });
        marker.on("mouseout", function () {
          highlight(slug, false);
        });
        marker.addTo(numbered);
        pinOf[slug] = { marker: marker, item: item, rank: rank, properties: properties };
        ["mouseenter", "focusin"].forEach(function (type) {
          item.addEventListener(type, function () {
            highlight(slug, true);
          });
        });
        ["mouseleave", "focusout"].forEach(function (type) {
          item.addEventListener(type, function () {
            highlight(slug, false);
          });
        });
      });
      numbered.addTo(map);
      layOutNumbered();
    }

    // Fan out the numbered pins that overlap at this zoom; a pin's icon is made again only when it moves.
    function layOutNumbered() {
      var pins = Object.keys(pinOf).map(function (slug) {
        return pinOf[slug];
      });
      var shifts = fanOut(map, pins);
      pins.forEach(function (pin) {
        var shift = shifts.get(pin);
        var icon = pin.marker.getElement();
        if (!pin.shift || pin.shift[0] !== shift[0] || pin.shift[1] !== shift[1]) {
          pin.shift = shift;
          pin.marker.setIcon(pinIcon(pin.properties.network_id, pin.properties.approximate, pin.rank, shift));
          icon = pin.marker.getElement();
        }
        if (icon) icon.setAttribute("aria-label", "N° " + pin.rank + " : " + pin.properties.name);
      });
    }

    function start() {
      drawNumbered();
      lastUrl = null;
      if (circle) circle.remove();
      circle = null;
      if (config.lat && config.radiusKm) {
        circle = L.circle([Number(config.lat), Number(config.lon)], {
          radius: Number(config.radiusKm) * 1000,
          color: "#4a4a4a",
          weight: 1,
          fill: false,
          interactive: false,
        }).addTo(map);
        map.fitBounds(circle.getBounds());
        fetchData(dataUrl(true));
      } else {
        // No circle to show: ask for every result once, then frame them.
        fetchData(dataUrl(false), function (data) {
          if (data.bbox) {
            var box = data.bbox;
            map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { maxZoom: 13, padding: [20, 20] });
          }
        });
      }
    }

    function draw() {
      if (map) {
        map.invalidateSize();
        return;
      }
      map = L.map(node, { zoomControl: true });
      map.setView([Number(config.regionLat), Number(config.regionLon)], Number(config.regionZoom));
      if (window.SproBasemap) window.SproBasemap.background(map, node);
      map.on("zoomend", function () {
        layOutNumbered();
      });
      map.on("moveend", function () {
        fetchData(dataUrl(true));
      });
      start();
    }

    function shown() {
      return !node.classList.contains("is-collapsed");
    }

    // On narrow screens the list comes first; the map is one tap away, and the list one tap back.
    var narrow = window.matchMedia("(max-width: 59.99em)");
    var expanded = false;
    function applyLayout() {
      toggles.forEach(function (toggle) {
        toggle.hidden = !narrow.matches;
        toggle.setAttribute("aria-expanded", String(expanded));
        toggle.textContent = expanded ? "Revenir à la liste" : "Voir sur la carte";
      });
      var jump = document.querySelector(".js-map-jump");
      if (jump) jump.hidden = !narrow.matches || expanded;
      node.classList.toggle("is-collapsed", narrow.matches && !expanded);
      if (shown()) draw();
    }
    toggles.forEach(function (toggle) {
      toggle.addEventListener("click", function () {
        expanded = !expanded;
        applyLayout();
        if (expanded) {
          // The way back to the list, at the top of the map, takes the focus.
          var back = panel.querySelector(".js-map-toggle");
          panel.scrollIntoView({ block: "start" });
          if (back) back.focus();
        } else {
          var title = document.getElementById("titre-resultats");
          if (title) title.focus();
          (title || document.getElementById("resultats")).scrollIntoView({ block: "start" });
        }
      });
    });
    narrow.addEventListener("change", applyLayout);
    applyLayout();

    return {
      reload: function (dataset) {
        config = dataset;
        if (map) start();
      },
    };
  }

  // --- The small map of a place's page: the tile server's, else the site's own basemap. ---
  // The point's small map is drawn when it comes into view: a phone that never scrolls to it does
  // not download the basemap. Its box is shown at once, so the page does not move when it is drawn.
  function setUpPointMap(node) {
    if (!window.L) return;
    node.hidden = false;
    if (!("IntersectionObserver" in window)) {
      drawPointMap(node);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        drawPointMap(node);
      }
    });
    observer.observe(node);
  }

  function drawPointMap(node) {
    var position = [Number(node.dataset.lat), Number(node.dataset.lon)];
    // Closer with a tile server's streets; the site's own basemap shows communes, not streets.
    var map = L.map(node, { scrollWheelZoom: false }).setView(position, node.dataset.tilesUrl ? 15 : 12);
    if (window.SproBasemap) window.SproBasemap.background(map, node);
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

  // --- « Imprimer la fiche »: the browser's print dialog (the page has its own print layout). ---
  function setUpPrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }

  document.querySelectorAll(".js-point-map").forEach(setUpPointMap);
  document.querySelectorAll(".js-share").forEach(setUpShare);
  document.querySelectorAll(".js-print").forEach(setUpPrint);
  document.querySelectorAll(".js-search-form").forEach(function (form) {
    setUpAroundMe(form);
    setUpSuggestions(form);
  });
  var panel = document.querySelector(".js-map-panel");
  var map = panel ? createMap(panel) : null;
  var searchForm = document.querySelector(".search-page__form");
  if (searchForm) setUpLiveFilters(searchForm, map);
})();
