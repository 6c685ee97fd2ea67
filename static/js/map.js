// The map beside a list, or a small map of one place: progressive enhancement. The list (or
// the address) stays the accessible view; the map shows only when this script and Leaflet
// run, and its markers can be reached with the keyboard (Tab, then Enter opens the link).
// Without background tiles (offline, or switched off) the markers show on a plain background.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof L === "undefined") {
    return;
  }
  var settings = window.VR_MAP || {};
  var number = function (text) {
    var n = parseFloat(text);
    return isFinite(n) ? n : null;
  };
  document.querySelectorAll("[data-map]").forEach(function (el) {
    var points = [];
    var add = function (source) {
      var lat = number(source.getAttribute("data-lat"));
      var lon = number(source.getAttribute("data-lon"));
      if (lat !== null && lon !== null) {
        points.push({
          lat: lat,
          lon: lon,
          name: source.getAttribute("data-name") || "",
          href: source.getAttribute("data-href")
        });
      }
    };
    var items = el.getAttribute("data-map-items");
    if (items) {
      document.querySelectorAll(items).forEach(add);
    } else {
      add(el);
    }
    if (points.length === 0) {
      return;
    }
    el.hidden = false;
    var map = L.map(el, { scrollWheelZoom: false, keyboard: true });
    if (settings.tiles) {
      L.tileLayer(settings.tiles, { attribution: settings.attribution || "", maxZoom: 19 }).addTo(map);
    } else {
      el.classList.add("map--plain");
    }
    var markers = points.map(function (p) {
      var icon = L.divIcon({ className: "map-marker", iconSize: [22, 22], iconAnchor: [11, 11] });
      var marker = L.marker([p.lat, p.lon], { icon: icon, keyboard: true, title: p.name }).addTo(map);
      // The marker's element exists once the map has a view (below); it is named then.
      marker.on("add", function () {
        var element = marker.getElement();
        if (element) {
          element.setAttribute("aria-label", p.name);
        }
      });
      if (p.href) {
        var link = document.createElement("a");
        link.href = p.href;
        link.textContent = p.name;
        marker.bindPopup(link);
        marker.on("keypress", function (e) {
          if (e.originalEvent && e.originalEvent.key === "Enter") {
            window.location.href = p.href;
          }
        });
      }
      return marker;
    });
    if (markers.length === 1) {
      map.setView([points[0].lat, points[0].lon], 15);
    } else {
      map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [24, 24], maxZoom: 15 });
    }
  });
});
