// The annotated article: details of the highlighted claim on hover, click or focus;
// Escape closes them; the filters hide the highlights of other claimants or entities.
// Each highlight's id is its URL fragment (#claim-<id>): opening one scrolls to it and
// shows its claim, and the details give the link to copy.
// All text goes in through textContent: nothing from the data is parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("claims-data").textContent);
  var claims = new Map(data.claims.map(function (claim) { return [claim.id, claim]; }));
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark[data-claim]"));
  var panel = document.getElementById("details");
  var body = document.getElementById("details-body");
  var empty = document.getElementById("details-empty");
  var claimantFilter = document.getElementById("filter-claimant");
  var entityFilter = document.getElementById("filter-entity");
  var counter = document.getElementById("filter-count");
  var active = null;
  var returning = false;
  var ANCHOR = "claim-";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function nameOf(slug) {
    return (slug && data.names[slug]) || slug || "";
  }

  function markOf(id) {
    for (var i = 0; i < marks.length; i++) {
      if (marks[i].getAttribute("data-claim") === id) return marks[i];
    }
    return null;
  }

  function section(title, items, none) {
    var parts = [el("h3", title)];
    if (!items.length) {
      parts.push(el("p", none));
      return parts;
    }
    var list = el(title === "Attribution" ? "ol" : "ul");
    items.forEach(function (item) { list.appendChild(item); });
    parts.push(list);
    return parts;
  }

  function hop(step) {
    var item = el("li");
    item.appendChild(el("span", nameOf(step.entity) + " " + step.verb));
    if (step.source) {
      item.appendChild(document.createTextNode(" in "));
      item.appendChild(link("../" + encodeURIComponent(step.source), step.source));
    }
    return item;
  }

  function relation(rel, claim) {
    var item = el("li");
    var other = rel.from === claim.id ? rel.to : rel.from;
    var described = rel.claim && typeof rel.claim === "object" ? rel.claim : null;
    var otherId = described && described.id ? described.id : (typeof rel.claim === "string" ? rel.claim : other);
    item.appendChild(el("strong", rel.type || "related"));
    item.appendChild(document.createTextNode(" "));
    var label = described && described.statement ? described.statement : otherId;
    var target = otherId ? markOf(otherId) : null;
    if (target) {
      var go = el("button", label);
      go.type = "button";
      go.addEventListener("click", function () { target.focus(); show(target); });
      item.appendChild(go);
    } else if (otherId) {
      item.appendChild(link("../../claims/" + encodeURIComponent(otherId), label));
    }
    if (rel.note) item.appendChild(el("p", rel.note));
    var by = rel.asserted_by || {};
    if (by.source) item.appendChild(el("p", "Asserted by " + nameOf(by.source)));
    else if (by.analyst) item.appendChild(el("p", "Drawn by the analyst " + by.analyst));
    return item;
  }

  function render(claim) {
    var parts = [
      el("p", claim.claimant.name, "claimant"),
      el("p", claim.statement, "statement"),
      el("p", "\u201c" + claim.quote.text + "\u201d", "quote"),
    ];
    var facts = el("dl");
    [
      ["Status", claim.status],
      ["Speech", claim.speech],
      ["Claimed on", claim.claimed_on],
      ["Event date", claim.event_date],
      ["Figure", claim.quantity && claim.quantity.text],
      ["Characters", claim.quote.start + "\u2013" + claim.quote.end],
    ].forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
      facts.appendChild(el("dt", pair[0]));
      var value = el("dd");
      value.appendChild(el("span", pair[1], pair[0] === "Status" ? "status" : ""));
      facts.appendChild(value);
    });
    parts.push(facts);
    parts = parts.concat(
      section("Attribution", claim.attribution.map(hop), "No chain recorded."),
      section("Entities", claim.entities.map(function (entity) {
        return el("li", entity.name + " (" + entity.role + ")");
      }), "None."),
      section("Relations", (claim.relations || []).map(function (rel) {
        return relation(rel, claim);
      }), "None recorded.")
    );
    var more = el("p");
    more.appendChild(link("../../claims/" + encodeURIComponent(claim.id), "This claim as JSON"));
    more.appendChild(document.createTextNode(" \u00b7 "));
    var here = link("#" + encodeURIComponent(ANCHOR + claim.id), "Link to this highlight");
    here.className = "permalink";
    more.appendChild(here);
    more.appendChild(document.createTextNode(" "));
    var copy = el("button", "Copy link", "copy");
    copy.type = "button";
    copy.addEventListener("click", function () { copyLink(here.href, copy); });
    more.appendChild(copy);
    parts.push(more);
    var close = el("button", "Close (Escape)");
    close.type = "button";
    close.addEventListener("click", function () { hide(true); });
    parts.push(close);
    return parts;
  }

  function copyLink(url, button) {
    function said(text) { button.textContent = text; }
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      said("Copying is blocked here: use the link");
      return;
    }
    navigator.clipboard.writeText(url).then(
      function () { said("Link copied"); },
      function () { said("Copying is blocked here: use the link"); }
    );
  }

  function show(mark) {
    var claim = claims.get(mark.getAttribute("data-claim"));
    if (!claim || mark.classList.contains("off")) return;
    if (active === mark && body.childNodes.length) return;
    if (active) active.classList.remove("active");
    active = mark;
    mark.classList.add("active");
    body.replaceChildren.apply(body, render(claim));
    body.setAttribute("data-claim", claim.id);
    empty.hidden = true;
    panel.classList.remove("empty");
  }

  function hide(refocus) {
    var was = active;
    if (active) active.classList.remove("active");
    active = null;
    body.replaceChildren();
    body.removeAttribute("data-claim");
    empty.hidden = false;
    panel.classList.add("empty");
    if (refocus && was && !was.classList.contains("off")) {
      returning = true;  // back on the highlight, with its details closed
      was.focus({ preventScroll: true });
      returning = false;
    }
  }

  function markAt(target) {
    return target && target.closest ? target.closest("mark[data-claim]") : null;
  }

  // mousemove, not mouseover: scrolling (as focus moves) brings other highlights under
  // a still pointer, and they must not take the panel from the focused one.
  document.addEventListener("mousemove", function (event) {
    var mark = markAt(event.target);
    if (mark && mark !== active) show(mark);
  });
  document.addEventListener("focusin", function (event) {
    var mark = markAt(event.target);
    if (mark && !returning) show(mark);
  });
  document.addEventListener("click", function (event) {
    var mark = markAt(event.target);
    if (mark) show(mark);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && active) {
      hide(panel.contains(document.activeElement));
      event.preventDefault();
    } else if ((event.key === "Enter" || event.key === " ") && markAt(event.target)) {
      // Into the details, to reach their links; Escape comes back to the highlight.
      show(markAt(event.target));
      body.focus();
      event.preventDefault();
    }
  });

  function applyFilters() {
    var claimant = claimantFilter.value;
    var entity = entityFilter.value;
    var shown = 0;
    marks.forEach(function (mark) {
      var claim = claims.get(mark.getAttribute("data-claim"));
      var keep = !!claim &&
        (!claimant || claim.claimant.slug === claimant) &&
        (!entity || claim.entities.some(function (e) { return e.slug === entity; }));
      mark.classList.toggle("off", !keep);
      mark.tabIndex = keep ? 0 : -1;
      if (keep) shown += 1;
    });
    counter.textContent = shown + " of " + marks.length + " highlights shown";
    if (active && active.classList.contains("off")) hide(false);
  }

  // The highlight a URL fragment names: in view, focused and its claim shown, with the
  // filters cleared if they hid it.
  function followFragment() {
    var id;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return;
    }
    if (id.indexOf(ANCHOR) !== 0) return;
    var mark = document.getElementById(id);
    if (!mark || !mark.hasAttribute("data-claim")) return;
    if (mark.classList.contains("off")) {
      claimantFilter.value = "";
      entityFilter.value = "";
      applyFilters();
    }
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
    show(mark);
  }

  claimantFilter.addEventListener("change", applyFilters);
  entityFilter.addEventListener("change", applyFilters);
  window.addEventListener("hashchange", followFragment);
  panel.classList.add("empty");
  applyFilters();
  followFragment();
})();
