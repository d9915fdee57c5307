// One placement: its details, open and close, a link to change it, and the
// candidates the ranking finds for it (pseudonymous profiles, the score
// explained in bars and words).
import { h, announce } from "./dom.js";
import { t, addMessages, formatDate, formatNumber } from "./i18n.js";
import { get, post } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, link, button, alert, badge, facts, fill, failure } from "./ui.js";
import {
  scheduleInWords, cefrLabel, certificateLabel, skillName, candidateProfile, takeFlash,
} from "./entrepreneur-common.js";
import { scoreBlock } from "./score.js";

addMessages({
  nl: {
    "placement.status": "Status",
    "placement.status.draft": "Concept: werkzoekenden zien deze leerplek nog niet.",
    "placement.status.open": "Open: de academie zoekt kandidaten voor deze leerplek.",
    "placement.status.closed": "Gesloten: er komen geen nieuwe kandidaten bij.",
    "placement.description": "Omschrijving",
    "placement.postcode": "Postcode werkplek",
    "placement.period": "Periode",
    "placement.period.value": "{from} tot en met {until}",
    "placement.schedule": "Weekrooster",
    "placement.hours": "Uren per week",
    "placement.capacity": "Plaatsen",
    "placement.required_skills": "Moet al kunnen",
    "placement.required_skill": "niveau {level}",
    "placement.essential": "onmisbaar",
    "placement.taught_skills": "Leert bij jou",
    "placement.dutch": "Niveau Nederlands",
    "placement.certificates": "Certificaten",
    "placement.none": "geen",
    "placement.open": "Leerplek openzetten",
    "placement.close": "Leerplek sluiten",
    "placement.edit": "Wijzigen",
    "placement.opened": "De leerplek staat open. De academie gaat kandidaten zoeken.",
    "placement.closed": "De leerplek is gesloten.",
    "placement.not_verified": "De academie controleert je bedrijf nog. Zodra dat klaar is, kun je de leerplek openzetten. Tot dan kun je hem wel al invullen en wijzigen.",
    "placement.see_organisation": "Bekijk je bedrijfsgegevens",
    "placement.candidates": "Kandidaten",
    "placement.candidates.intro": "Werkzoekenden die bij deze leerplek passen, de beste eerst. Je ziet nog geen namen: de academie stelt een match voor, en contactgegevens zie je pas als de werkzoekende heeft bevestigd.",
    "placement.candidates.closed": "Zet de leerplek open om te zien welke werkzoekenden passen.",
    "placement.candidates.none": "Er zijn nu geen werkzoekenden die passen. Kijk later nog eens.",
    "placements.back": "Terug naar je leerplekken",
  },
  en: {
    "placement.status": "Status",
    "placement.status.draft": "Draft: job seekers do not see this placement yet.",
    "placement.status.open": "Open: the academy is looking for candidates for this placement.",
    "placement.status.closed": "Closed: no new candidates are added.",
    "placement.description": "Description",
    "placement.postcode": "Workplace postcode",
    "placement.period": "Period",
    "placement.period.value": "{from} to {until}",
    "placement.schedule": "Weekly schedule",
    "placement.hours": "Hours per week",
    "placement.capacity": "Places",
    "placement.required_skills": "Must already be able to",
    "placement.required_skill": "level {level}",
    "placement.essential": "essential",
    "placement.taught_skills": "Learns with you",
    "placement.dutch": "Level of Dutch",
    "placement.certificates": "Certificates",
    "placement.none": "none",
    "placement.open": "Open placement",
    "placement.close": "Close placement",
    "placement.edit": "Change",
    "placement.opened": "The placement is open. The academy will look for candidates.",
    "placement.closed": "The placement is closed.",
    "placement.not_verified": "The academy is still checking your company. Once that is done you can open the placement. Until then you can fill it in and change it.",
    "placement.see_organisation": "See your company details",
    "placement.candidates": "Candidates",
    "placement.candidates.intro": "Job seekers who fit this placement, best first. You do not see names yet: the academy proposes a match, and you see contact details only once the job seeker has confirmed.",
    "placement.candidates.closed": "Open the placement to see which job seekers fit.",
    "placement.candidates.none": "No job seekers fit right now. Look again later.",
    "placements.back": "Back to your placements",
  },
});

const list = (items) => items.length
  ? h("ul", { class: "utrecht-unordered-list" }, items.map((node) => h("li", { class: "utrecht-unordered-list__item" }, node)))
  : t("placement.none");

export function placementFacts(p) {
  return facts([
    [t("placement.status"), h("span", {}, badge(p.status), " ", t(`placement.status.${p.status}`))],
    [t("placement.description"), p.description],
    [t("placement.postcode"), p.postcode],
    [t("placement.period"), t("placement.period.value", { from: formatDate(p.start_date), until: formatDate(p.end_date) })],
    [t("placement.schedule"), scheduleInWords(p.schedule)],
    [t("placement.hours"), formatNumber(p.hours_per_week, Number.isInteger(Number(p.hours_per_week)) ? 0 : 1)],
    [t("placement.capacity"), String(p.capacity)],
    [t("placement.required_skills"), list((p.required_skills ?? []).map((s) =>
      h("span", {}, skillName(s.uri), ` (${t("placement.required_skill", { level: s.min_level })}${s.essential ? `, ${t("placement.essential")}` : ""})`)))],
    [t("placement.taught_skills"), list((p.taught_skills ?? []).map(skillName))],
    [t("placement.dutch"), cefrLabel(p.min_dutch_level)],
    [t("placement.certificates"), p.certificates?.length ? p.certificates.map(certificateLabel).join(", ") : t("placement.none")],
  ]);
}

async function placementPage(main, id) {
  let placement;
  try {
    placement = await get(`/v1/placements/${encodeURIComponent(id)}`);
  } catch (error) {
    page(main, t("nav.placements"), failure(error), paragraph(link("#/placements", t("placements.back"))));
    return;
  }
  const flash = takeFlash();
  const message = h("div", { class: "placement-message", tabindex: "-1" });
  const body = h("div", { class: "placement-detail" });
  const candidates = h("section", { class: "candidates", "aria-labelledby": "candidates-title" });

  // Says the outcome of an action and moves focus there.
  function say(kind, ...children) {
    message.replaceChildren(alert(kind, ...children));
    message.focus();
  }

  async function act(action) {
    try {
      placement = await post(`/v1/placements/${encodeURIComponent(id)}/${action}`);
      draw();
      const text = t(action === "open" ? "placement.opened" : "placement.closed");
      say("ok", paragraph(text));
      announce(text);
      drawCandidates();
    } catch (error) {
      if (error.code === "employer_not_verified") {
        say("error", paragraph(error.message), paragraph(t("placement.not_verified")),
          paragraph(link("#/organisation", t("placement.see_organisation"))));
        announce(`${error.message} ${t("placement.not_verified")}`);
      } else {
        say("error", paragraph(error.message));
        announce(error.message);
        if (error.code === "invalid_state") {
          try {
            placement = await get(`/v1/placements/${encodeURIComponent(id)}`);
            draw();
          } catch {
            /* the message says enough */
          }
        }
      }
    }
  }

  function draw() {
    const actions = h("div", { class: "button-row placement-actions" },
      placement.status === "open"
        ? button(t("placement.close"), () => act("close"), { kind: "secondary" })
        : button(t("placement.open"), () => act("open"), { kind: "primary" }),
      h("a", {
        class: "utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action",
        href: `#/placements/${placement.id}/edit`,
      }, t("placement.edit")));
    body.replaceChildren(placementFacts(placement), actions);
  }

  function drawCandidates() {
    const title = heading(2, t("placement.candidates"));
    title.id = "candidates-title";
    const results = h("div", { class: "candidates__results" });
    candidates.replaceChildren(title, results);
    if (placement.status !== "open") {
      results.replaceChildren(paragraph(t("placement.candidates.closed")));
      return;
    }
    fill(results, async () => {
      const ranking = await get(`/v1/placements/${encodeURIComponent(id)}/candidates?limit=20`);
      const items = ranking?.items ?? [];
      if (!items.length) return paragraph(t("placement.candidates.none"));
      return [
        paragraph(t("placement.candidates.intro")),
        h("ol", { class: "candidate-list" }, items.map((item) =>
          h("li", { class: "candidate-card" },
            candidateProfile(item.candidate, 3),
            scoreBlock(item, { level: 4, open: true, maxTravelKm: item.candidate?.max_travel_km })))),
      ];
    });
  }

  draw();
  drawCandidates();
  page(main, placement.title,
    flash ? alert(flash.kind, paragraph(flash.text)) : null,
    message, body, candidates,
    paragraph(link("#/placements", t("placements.back"))));
  if (flash) announce(flash.text);
}

export function registerPlacement() {
  route("/placements/:id", (params, main) => placementPage(main, params.id), { roles: ["employer"] });
}
