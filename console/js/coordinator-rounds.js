// Cohort rounds: a group of job seekers placed over the open placements at
// once (the rounds API).
// - "/rounds": choose the seekers and the placements and a minimum score,
//   compute both ways (two POST /v1/rounds, stable and optimal, the same
//   choice), and the earlier rounds to open again;
// - "/rounds/compare/:a/:b": the two side by side: placed, total and mean
//   score, blocking pairs, and who is placed differently;
// - "/rounds/:id": one round: its pairs with their explanation, each one
//   to leave out or put back (PATCH), the seekers not placed and the places
//   left with the reasons in words, the places filled per employer, a
//   warning when the data changed since (recompute), and committing it
//   behind a confirmation, which answers the proposed matches and the
//   pairs skipped. A committed or superseded round is only shown.
// A round names seekers by id only (it keeps no personal data): so does
// this screen, as the queue does.
import { h, newId, announce } from "./dom.js";
import { t, addMessages, currentLanguage, formatDate, formatDateTime, formatNumber } from "./i18n.js";
import { get, getAll, post, patch, send, ApiError } from "./api.js";
import { route, go } from "./router.js";
import { page, heading, paragraph, link, button, field, input, select, alert, facts, fill, failure } from "./ui.js";
import {
  ROLE, lookups, employerName, placementLink, seekerLink, matchLink, scrollable, tableShell, row, cell, rowHeader, tag,
  known, scoreBlock, filterLabel, actorLabel,
} from "./coordinator-common.js";
import { showErrors, clearErrors, refusal, radioGroup, randomKey, statusMessage, optional } from "./forms.js";

addMessages({
  nl: {
    "co.nav.rounds": "Rondes",
    "co.rounds.title": "Rondes",
    "co.rounds.intro": "Plaats een groep werkzoekenden in één keer over de open leerplekken. Je berekent twee manieren naast elkaar en kiest daarna welke je vastlegt.",
    "co.rounds.new": "Nieuwe ronde",
    "co.rounds.name": "Naam van de ronde",
    "co.rounds.name.hint": "Bijvoorbeeld: cohort december.",
    "co.rounds.seekers": "Welke werkzoekenden?",
    "co.rounds.seekers.hint": "Altijd alleen werkzoekenden die actief zijn, toestemming hebben gegeven en nog geen goedgekeurde match hebben.",
    "co.rounds.seekers.all": "Iedereen die in aanmerking komt",
    "co.rounds.seekers.portal": "Van één partnerportaal",
    "co.rounds.seekers.area": "Uit een postcodegebied",
    "co.rounds.seekers.ids": "Een lijst van werkzoekenden",
    "co.rounds.portal": "Partnerportaal",
    "co.rounds.portal.choose": "Kies een partnerportaal",
    "co.rounds.area": "Postcodegebied",
    "co.rounds.area.hint": "De eerste 1 tot 4 cijfers van de postcode, bijvoorbeeld 25 of 2516.",
    "co.rounds.ids": "Nummers van de werkzoekenden",
    "co.rounds.ids.hint": "Het nummer staat bij elke werkzoekende (Werkzoekende 12). Scheid de nummers met spaties of komma's.",
    "co.rounds.places": "Welke leerplekken?",
    "co.rounds.places.hint": "Altijd alleen open leerplekken met een vrije plaats. Laat leeg wat niet uitmaakt.",
    "co.rounds.employer": "Werkgever",
    "co.rounds.employer.all": "Alle werkgevers",
    "co.rounds.from": "Begint op of na",
    "co.rounds.until": "Begint op of voor",
    "co.rounds.occupation": "Beroep",
    "co.rounds.occupation.all": "Alle beroepen",
    "co.rounds.min_score": "Minimumscore",
    "co.rounds.min_score.hint": "Van 0 tot 100. Een paar met een lagere score telt niet mee.",
    "co.rounds.run": "Beide manieren berekenen",
    "co.rounds.running": "Bezig met berekenen…",
    "co.rounds.half": "Ronde {id} (stabiel) is berekend, maar de optimale niet.",
    "co.rounds.selection": "Keuze",
    "co.rounds.problem.portal": "Kies een partnerportaal.",
    "co.rounds.problem.area": "Vul 1 tot 4 cijfers in; het eerste cijfer is geen 0.",
    "co.rounds.problem.ids": "Vul een of meer nummers in, gescheiden door spaties of komma's.",
    "co.rounds.problem.min_score": "Vul een heel getal van 0 tot 100 in.",
    "co.rounds.problem.date": "Vul een datum in.",
    "co.rounds.problem.until": "Deze datum ligt vóór de datum bij “Begint op of na”.",
    "co.rounds.problem.name": "Hooguit 200 tekens.",
    "co.rounds.problem.too_many": "Dit zijn te veel werkzoekenden of leerplekken voor één ronde: maak de keuze kleiner.",
    "co.rounds.list": "Eerdere rondes",
    "co.rounds.list.caption": "Eerdere rondes, de nieuwste eerst",
    "co.rounds.list.none": "Er zijn nog geen rondes.",
    "co.rounds.more": "Oudere rondes tonen",
    "co.rounds.col.round": "Ronde",
    "co.rounds.col.mode": "Manier",
    "co.rounds.col.status": "Stand",
    "co.rounds.col.when": "Berekend",
    "co.rounds.col.seekers": "Werkzoekenden",
    "co.rounds.col.placements": "Leerplekken",
    "co.rounds.col.placed": "Geplaatst",
    "co.rounds.col.total": "Totaalscore",

    "co.round.mode.stable": "Stabiel",
    "co.round.mode.optimal": "Optimaal",
    "co.round.mode.stable.hint": "niemand wil ruilen",
    "co.round.mode.optimal.hint": "de hoogste totaalscore",
    "co.round.status.computed": "berekend",
    "co.round.status.committed": "vastgelegd",
    "co.round.status.superseded": "vervangen",
    "co.round.note": "Stabiel is niet hetzelfde als de meeste matches. Stabiel geeft elke werkzoekende de beste plek die niemand met een betere score wilde: geen werkzoekende en leerplek hadden allebei liever elkaar gehad. Optimaal zoekt de hoogste totaalscore en plaatst soms meer werkzoekenden, maar geeft dan soms iemand een plek die minder goed past dan een plek die naar een ander ging.",
    "co.round.blocking.hint": "Een blokkerend paar is een werkzoekende en een leerplek die allebei liever elkaar hadden gehad dan wat ze kregen. Stabiel heeft er geen.",
    "co.round.only_optimal": "Optimaal plaatst {n} werkzoekende die stabiel niet plaatst.|Optimaal plaatst {n} werkzoekenden die stabiel niet plaatst.",
    "co.round.only_stable": "Stabiel plaatst {n} werkzoekende die optimaal niet plaatst.|Stabiel plaatst {n} werkzoekenden die optimaal niet plaatst.",
    "co.round.differently": "{n} werkzoekende krijgt bij de andere manier een andere plek.|{n} werkzoekenden krijgen bij de andere manier een andere plek.",
    "co.round.col.what": "Wat",
    "co.round.row.placed": "Geplaatst",
    "co.round.row.total": "Totaalscore",
    "co.round.row.mean": "Gemiddelde score",
    "co.round.row.blocking": "Blokkerende paren",
    "co.round.figures.caption": "Stabiel en optimaal vergeleken",

    "co.compare.title": "Stabiel en optimaal naast elkaar",
    "co.compare.intro": "Dezelfde keuze, op twee manieren berekend: ronde {stable} (stabiel) en ronde {optimal} (optimaal).",
    "co.compare.choice": "De keuze",
    "co.compare.figures": "De uitkomst",
    "co.compare.differs": "Wie verschilt",
    "co.compare.differs.count": "{n} werkzoekende krijgt een andere plek.|{n} werkzoekenden krijgen een andere plek.",
    "co.compare.differs.none": "Beide manieren geven iedereen dezelfde plek.",
    "co.compare.differs.caption": "Werkzoekenden die een andere plek krijgen",
    "co.compare.col.seeker": "Werkzoekende",
    "co.compare.unplaced": "niet geplaatst",
    "co.compare.score": "score {score}",
    "co.compare.choose": "Kiezen en vastleggen",
    "co.compare.choose.intro": "Open de ronde die je wilt gebruiken. Daar zie je elk paar met de toelichting, kun je paren weglaten en leg je de ronde vast.",
    "co.compare.open.stable": "Stabiele ronde openen (ronde {id})",
    "co.compare.open.optimal": "Optimale ronde openen (ronde {id})",
    "co.compare.mismatch": "Let op: deze twee rondes zijn niet met dezelfde keuze of niet op beide manieren berekend.",
    "co.compare.back": "Terug naar de rondes",

    "co.round.title": "Ronde {id}",
    "co.round.state": "Stand: ",
    "co.round.about": "Wat is berekend",
    "co.round.mode": "Manier",
    "co.round.seekers": "Werkzoekenden",
    "co.round.placements": "Leerplekken",
    "co.round.min_score": "Minimumscore",
    "co.round.eligible_pairs": "Paren die passen",
    "co.round.computed": "Berekend",
    "co.round.computed.value": "{when} door {who}, in {ms} ms",
    "co.round.rules": "Rekenregels",
    "co.round.by.you": "jou",
    "co.round.sel.all": "Iedereen die in aanmerking komt",
    "co.round.sel.ids": "{n} gekozen werkzoekende|{n} gekozen werkzoekenden",
    "co.round.sel.portal": "van {portal}",
    "co.round.sel.area": "uit postcodegebied {prefix}",
    "co.round.sel.places.all": "Alle open leerplekken",
    "co.round.sel.places.ids": "{n} gekozen leerplek|{n} gekozen leerplekken",
    "co.round.sel.employer": "van {employer}",
    "co.round.sel.from": "beginnend op of na {date}",
    "co.round.sel.until": "beginnend op of voor {date}",
    "co.round.sel.occupation": "beroep {occupation}",
    "co.round.sel.seekers.count": "{choice}: {n} in de ronde",
    "co.round.sel.places.count": "{choice}: {n} in de ronde, met {places} plaatsen",
    "co.round.stale": "De gegevens zijn veranderd sinds deze ronde is berekend: werkzoekenden, leerplekken, matches of de rekenregels. Bereken de ronde opnieuw om met de gegevens van nu te werken.",
    "co.round.recompute": "Opnieuw berekenen",
    "co.round.recomputed": "Opnieuw berekend als ronde {id}. Ronde {old} is vervangen.",
    "co.round.superseded": "Deze ronde is opnieuw berekend en vervangen door ronde {id}. Je kunt hem alleen nog bekijken.",
    "co.round.superseded.link": "Naar ronde {id}",
    "co.round.committed": "Deze ronde is vastgelegd op {when} door {who}. Je kunt hem alleen nog bekijken.",
    "co.round.outcome": "Uitkomst",
    "co.round.placed": "Geplaatst",
    "co.round.placed.value": "{placed} van de {seekers} werkzoekenden",
    "co.round.filled": "Plaatsen gevuld",
    "co.round.filled.value": "{filled} van de {places} plaatsen",
    "co.round.total": "Totaalscore",
    "co.round.mean": "Gemiddelde score",
    "co.round.blocking": "Blokkerende paren",
    "co.round.compare": "Vergeleken met de andere manier",
    "co.round.compare.intro": "Bij het berekenen van deze ronde is de andere manier ook uitgerekend.",
    "co.round.compare.link": "Bekijk wie verschilt (rondes {stable} en {optimal})",
    "co.round.pairs": "Paren",
    "co.round.pairs.intro": "Wie waar geplaatst is, de hoogste score eerst. Een paar dat je weglaat, wordt bij het vastleggen niet voorgesteld.",
    "co.round.pairs.caption": "Paren in ronde {id}",
    "co.round.pairs.none": "Niemand is geplaatst.",
    "co.round.col.seeker": "Werkzoekende",
    "co.round.col.placement": "Leerplek",
    "co.round.col.employer": "Werkgever",
    "co.round.col.score": "Score",
    "co.round.col.distance": "Reisafstand",
    "co.round.col.why": "Toelichting",
    "co.round.col.keep": "Bij vastleggen",
    "co.round.km": "{km} km",
    "co.round.why": "Toelichting",
    "co.round.why.of": "{seeker} bij {placement}",
    "co.round.keep.yes": "voorstellen",
    "co.round.keep.no": "weggelaten",
    "co.round.drop": "Weglaten",
    "co.round.undrop": "Terugzetten",
    "co.round.dropped": "{seeker} weggelaten: wordt niet voorgesteld.",
    "co.round.undropped": "{seeker} teruggezet: wordt voorgesteld.",
    "co.round.unassigned": "Niet geplaatst",
    "co.round.unassigned.none": "Iedereen in de ronde is geplaatst.",
    "co.round.reason.no_eligible_placement": "Geen enkele leerplek past.",
    "co.round.reason.places_went_to_others": "De leerplekken die passen, gingen naar anderen:",
    "co.round.why_not.seeker": "{n} leerplek valt af omdat {reason}.|{n} leerplekken vallen af omdat {reason}.",
    "co.round.why_not.placement": "{n} werkzoekende valt af omdat {reason}.|{n} werkzoekenden vallen af omdat {reason}.",
    "co.round.below_min_score": "de score lager is dan de minimumscore",
    "co.round.contested": "{placement} (score {score}) ging naar {who}.",
    "co.round.taken_by": "{seeker} (score {score})",
    "co.round.and": " en ",
    "co.round.nobody": "niemand",
    "co.round.left": "Plaatsen over",
    "co.round.left.none": "Alle plaatsen zijn gevuld.",
    "co.round.left.item": "{placement} bij {employer}: {left} van de {places} plaatsen vrij.",
    "co.round.left.no_eligible_seeker": "Geen werkzoekende in de ronde past.",
    "co.round.left.eligible_seekers_placed_elsewhere": "{n} werkzoekende past, maar is elders geplaatst.|{n} werkzoekenden passen, maar zijn elders geplaatst.",
    "co.round.employers": "Per werkgever",
    "co.round.employers.caption": "Plaatsen per werkgever",
    "co.round.col.places": "Plaatsen",
    "co.round.col.filled": "Gevuld",
    "co.round.col.free": "Over",
    "co.round.commit": "Vastleggen",
    "co.round.commit.intro": "Vastleggen maakt van elk paar een voorgestelde match. Die komt in de wachtrij en gaat daarna de gewone weg: goedkeuren, de werkgever, de werkzoekende.",
    "co.round.commit.count": "{n} paar wordt voorgesteld.|{n} paren worden voorgesteld.",
    "co.round.commit.dropped": "{n} paar laat je weg.|{n} paren laat je weg.",
    "co.round.commit.go": "Ronde vastleggen…",
    "co.round.commit.confirm": "Ronde {id} vastleggen?",
    "co.round.commit.once": "Dit kan maar één keer. Daarna kun je in deze ronde niets meer weglaten of terugzetten.",
    "co.round.commit.stale": "Let op: de gegevens zijn veranderd sinds het berekenen. Paren die niet meer kunnen, worden overgeslagen. Je kunt de ronde ook eerst opnieuw berekenen.",
    "co.round.commit.yes": "Ja, {n} match voorstellen|Ja, {n} matches voorstellen",
    "co.round.commit.cancel": "Annuleren",
    "co.round.commit.busy": "Bezig met vastleggen…",
    "co.round.commit.done": "Vastgelegd: {n} match voorgesteld.|Vastgelegd: {n} matches voorgesteld.",
    "co.round.commit.skipped": "{n} paar overgeslagen.|{n} paren overgeslagen.",
    "co.round.commit.was_stale": "De gegevens waren veranderd sinds het berekenen.",
    "co.round.result": "Wat het vastleggen opleverde",
    "co.round.created": "Voorgestelde matches",
    "co.round.created.caption": "Voorgestelde matches uit ronde {id}",
    "co.round.created.none": "Er is geen match voorgesteld.",
    "co.round.col.match": "Match",
    "co.round.queue": "Naar de wachtrij",
    "co.round.skipped": "Overgeslagen",
    "co.round.skipped.item": "{seeker} bij {placement}: {reason}.",
    "co.round.skip.placement_closed": "de leerplek is niet meer open",
    "co.round.skip.placement_full": "de leerplek is inmiddels vol",
    "co.round.skip.seeker_taken": "de werkzoekende heeft inmiddels een goedgekeurde match",
    "co.round.skip.consent_withdrawn": "de werkzoekende heeft geen toestemming meer om gekoppeld te worden",
    "co.round.skip.seeker_inactive": "de werkzoekende is niet meer actief",
    "co.round.skip.pair_exists": "er loopt al een match van deze werkzoekende bij deze leerplek",
    "co.round.reloaded": "De pagina is vernieuwd: je ziet de ronde zoals hij nu is.",
    "co.round.back": "Alle rondes",
  },
  en: {
    "co.nav.rounds": "Rounds",
    "co.rounds.title": "Rounds",
    "co.rounds.intro": "Place a group of job seekers over the open placements at once. You compute two ways side by side, then choose which one to commit.",
    "co.rounds.new": "New round",
    "co.rounds.name": "Name of the round",
    "co.rounds.name.hint": "For example: December cohort.",
    "co.rounds.seekers": "Which job seekers?",
    "co.rounds.seekers.hint": "Always only job seekers who are active, have given consent and have no approved match yet.",
    "co.rounds.seekers.all": "Everyone eligible",
    "co.rounds.seekers.portal": "From one partner portal",
    "co.rounds.seekers.area": "From a postcode area",
    "co.rounds.seekers.ids": "A list of job seekers",
    "co.rounds.portal": "Partner portal",
    "co.rounds.portal.choose": "Choose a partner portal",
    "co.rounds.area": "Postcode area",
    "co.rounds.area.hint": "The first 1 to 4 digits of the postcode, for example 25 or 2516.",
    "co.rounds.ids": "Job seeker numbers",
    "co.rounds.ids.hint": "Every job seeker has a number (Job seeker 12). Separate the numbers with spaces or commas.",
    "co.rounds.places": "Which placements?",
    "co.rounds.places.hint": "Always only open placements with a free place. Leave empty what does not matter.",
    "co.rounds.employer": "Employer",
    "co.rounds.employer.all": "All employers",
    "co.rounds.from": "Starts on or after",
    "co.rounds.until": "Starts on or before",
    "co.rounds.occupation": "Occupation",
    "co.rounds.occupation.all": "All occupations",
    "co.rounds.min_score": "Minimum score",
    "co.rounds.min_score.hint": "From 0 to 100. A pair with a lower score does not count.",
    "co.rounds.run": "Compute both ways",
    "co.rounds.running": "Computing…",
    "co.rounds.half": "Round {id} (stable) has been computed, but the optimal one has not.",
    "co.rounds.selection": "Selection",
    "co.rounds.problem.portal": "Choose a partner portal.",
    "co.rounds.problem.area": "Enter 1 to 4 digits; the first is not a 0.",
    "co.rounds.problem.ids": "Enter one or more numbers, separated by spaces or commas.",
    "co.rounds.problem.min_score": "Enter a whole number from 0 to 100.",
    "co.rounds.problem.date": "Enter a date.",
    "co.rounds.problem.until": "This date is before the date at “Starts on or after”.",
    "co.rounds.problem.name": "At most 200 characters.",
    "co.rounds.problem.too_many": "These are too many job seekers or placements for one round: narrow the selection.",
    "co.rounds.list": "Earlier rounds",
    "co.rounds.list.caption": "Earlier rounds, newest first",
    "co.rounds.list.none": "There are no rounds yet.",
    "co.rounds.more": "Show older rounds",
    "co.rounds.col.round": "Round",
    "co.rounds.col.mode": "Method",
    "co.rounds.col.status": "State",
    "co.rounds.col.when": "Computed",
    "co.rounds.col.seekers": "Job seekers",
    "co.rounds.col.placements": "Placements",
    "co.rounds.col.placed": "Placed",
    "co.rounds.col.total": "Total score",

    "co.round.mode.stable": "Stable",
    "co.round.mode.optimal": "Optimal",
    "co.round.mode.stable.hint": "no one wants to swap",
    "co.round.mode.optimal.hint": "the highest total score",
    "co.round.status.computed": "computed",
    "co.round.status.committed": "committed",
    "co.round.status.superseded": "superseded",
    "co.round.note": "Stable is not the same as the most matches. Stable gives every job seeker the best place that no one with a better score wanted: no job seeker and placement would both rather have had each other. Optimal looks for the highest total score and sometimes places more job seekers, but may then give someone a place that fits less well than one that went to someone else.",
    "co.round.blocking.hint": "A blocking pair is a job seeker and a placement who would both rather have had each other than what they got. Stable has none.",
    "co.round.only_optimal": "Optimal places {n} job seeker whom stable does not place.|Optimal places {n} job seekers whom stable does not place.",
    "co.round.only_stable": "Stable places {n} job seeker whom optimal does not place.|Stable places {n} job seekers whom optimal does not place.",
    "co.round.differently": "{n} job seeker gets a different place the other way.|{n} job seekers get a different place the other way.",
    "co.round.col.what": "What",
    "co.round.row.placed": "Placed",
    "co.round.row.total": "Total score",
    "co.round.row.mean": "Mean score",
    "co.round.row.blocking": "Blocking pairs",
    "co.round.figures.caption": "Stable and optimal compared",

    "co.compare.title": "Stable and optimal side by side",
    "co.compare.intro": "The same selection, computed two ways: round {stable} (stable) and round {optimal} (optimal).",
    "co.compare.choice": "The selection",
    "co.compare.figures": "The outcome",
    "co.compare.differs": "Who differs",
    "co.compare.differs.count": "{n} job seeker gets a different place.|{n} job seekers get a different place.",
    "co.compare.differs.none": "Both ways give everyone the same place.",
    "co.compare.differs.caption": "Job seekers who get a different place",
    "co.compare.col.seeker": "Job seeker",
    "co.compare.unplaced": "not placed",
    "co.compare.score": "score {score}",
    "co.compare.choose": "Choose and commit",
    "co.compare.choose.intro": "Open the round you want to use. There you see every pair with its explanation, can leave pairs out, and commit the round.",
    "co.compare.open.stable": "Open the stable round (round {id})",
    "co.compare.open.optimal": "Open the optimal round (round {id})",
    "co.compare.mismatch": "Note: these two rounds were not computed from the same selection, or not both ways.",
    "co.compare.back": "Back to the rounds",

    "co.round.title": "Round {id}",
    "co.round.state": "State: ",
    "co.round.about": "What was computed",
    "co.round.mode": "Method",
    "co.round.seekers": "Job seekers",
    "co.round.placements": "Placements",
    "co.round.min_score": "Minimum score",
    "co.round.eligible_pairs": "Pairs that fit",
    "co.round.computed": "Computed",
    "co.round.computed.value": "{when} by {who}, in {ms} ms",
    "co.round.rules": "Scoring rules",
    "co.round.by.you": "you",
    "co.round.sel.all": "Everyone eligible",
    "co.round.sel.ids": "{n} chosen job seeker|{n} chosen job seekers",
    "co.round.sel.portal": "from {portal}",
    "co.round.sel.area": "from postcode area {prefix}",
    "co.round.sel.places.all": "All open placements",
    "co.round.sel.places.ids": "{n} chosen placement|{n} chosen placements",
    "co.round.sel.employer": "of {employer}",
    "co.round.sel.from": "starting on or after {date}",
    "co.round.sel.until": "starting on or before {date}",
    "co.round.sel.occupation": "occupation {occupation}",
    "co.round.sel.seekers.count": "{choice}: {n} in the round",
    "co.round.sel.places.count": "{choice}: {n} in the round, with {places} places",
    "co.round.stale": "The data has changed since this round was computed: job seekers, placements, matches or the scoring rules. Compute the round again to work with today's data.",
    "co.round.recompute": "Compute again",
    "co.round.recomputed": "Computed again as round {id}. Round {old} has been superseded.",
    "co.round.superseded": "This round was computed again and superseded by round {id}. You can only view it.",
    "co.round.superseded.link": "To round {id}",
    "co.round.committed": "This round was committed on {when} by {who}. You can only view it.",
    "co.round.outcome": "Outcome",
    "co.round.placed": "Placed",
    "co.round.placed.value": "{placed} of the {seekers} job seekers",
    "co.round.filled": "Places filled",
    "co.round.filled.value": "{filled} of the {places} places",
    "co.round.total": "Total score",
    "co.round.mean": "Mean score",
    "co.round.blocking": "Blocking pairs",
    "co.round.compare": "Compared with the other way",
    "co.round.compare.intro": "When this round was computed, the other way was computed too.",
    "co.round.compare.link": "See who differs (rounds {stable} and {optimal})",
    "co.round.pairs": "Pairs",
    "co.round.pairs.intro": "Who is placed where, the highest score first. A pair you leave out is not proposed when you commit.",
    "co.round.pairs.caption": "Pairs in round {id}",
    "co.round.pairs.none": "No one is placed.",
    "co.round.col.seeker": "Job seeker",
    "co.round.col.placement": "Placement",
    "co.round.col.employer": "Employer",
    "co.round.col.score": "Score",
    "co.round.col.distance": "Travel distance",
    "co.round.col.why": "Explanation",
    "co.round.col.keep": "On commit",
    "co.round.km": "{km} km",
    "co.round.why": "Explanation",
    "co.round.why.of": "{seeker} at {placement}",
    "co.round.keep.yes": "propose",
    "co.round.keep.no": "left out",
    "co.round.drop": "Leave out",
    "co.round.undrop": "Put back",
    "co.round.dropped": "{seeker} left out: will not be proposed.",
    "co.round.undropped": "{seeker} put back: will be proposed.",
    "co.round.unassigned": "Not placed",
    "co.round.unassigned.none": "Everyone in the round is placed.",
    "co.round.reason.no_eligible_placement": "No placement fits.",
    "co.round.reason.places_went_to_others": "The placements that fit went to others:",
    "co.round.why_not.seeker": "{n} placement is excluded because {reason}.|{n} placements are excluded because {reason}.",
    "co.round.why_not.placement": "{n} job seeker is excluded because {reason}.|{n} job seekers are excluded because {reason}.",
    "co.round.below_min_score": "the score is below the minimum score",
    "co.round.contested": "{placement} (score {score}) went to {who}.",
    "co.round.taken_by": "{seeker} (score {score})",
    "co.round.and": " and ",
    "co.round.nobody": "no one",
    "co.round.left": "Places left",
    "co.round.left.none": "Every place is filled.",
    "co.round.left.item": "{placement} at {employer}: {left} of the {places} places free.",
    "co.round.left.no_eligible_seeker": "No job seeker in the round fits.",
    "co.round.left.eligible_seekers_placed_elsewhere": "{n} job seeker fits, but is placed elsewhere.|{n} job seekers fit, but are placed elsewhere.",
    "co.round.employers": "Per employer",
    "co.round.employers.caption": "Places per employer",
    "co.round.col.places": "Places",
    "co.round.col.filled": "Filled",
    "co.round.col.free": "Left",
    "co.round.commit": "Commit",
    "co.round.commit.intro": "Committing turns every pair into a proposed match. It goes into the queue and then the usual way: approval, the employer, the job seeker.",
    "co.round.commit.count": "{n} pair will be proposed.|{n} pairs will be proposed.",
    "co.round.commit.dropped": "You leave out {n} pair.|You leave out {n} pairs.",
    "co.round.commit.go": "Commit round…",
    "co.round.commit.confirm": "Commit round {id}?",
    "co.round.commit.once": "This can be done once only. Afterwards you cannot leave out or put back anything in this round.",
    "co.round.commit.stale": "Note: the data has changed since the round was computed. Pairs that are no longer possible are skipped. You can also compute the round again first.",
    "co.round.commit.yes": "Yes, propose {n} match|Yes, propose {n} matches",
    "co.round.commit.cancel": "Cancel",
    "co.round.commit.busy": "Committing…",
    "co.round.commit.done": "Committed: {n} match proposed.|Committed: {n} matches proposed.",
    "co.round.commit.skipped": "{n} pair skipped.|{n} pairs skipped.",
    "co.round.commit.was_stale": "The data had changed since the round was computed.",
    "co.round.result": "What committing made",
    "co.round.created": "Proposed matches",
    "co.round.created.caption": "Proposed matches from round {id}",
    "co.round.created.none": "No match was proposed.",
    "co.round.col.match": "Match",
    "co.round.queue": "To the queue",
    "co.round.skipped": "Skipped",
    "co.round.skipped.item": "{seeker} at {placement}: {reason}.",
    "co.round.skip.placement_closed": "the placement is no longer open",
    "co.round.skip.placement_full": "the placement has filled up meanwhile",
    "co.round.skip.seeker_taken": "the job seeker has an approved match meanwhile",
    "co.round.skip.consent_withdrawn": "the job seeker no longer consents to being matched",
    "co.round.skip.seeker_inactive": "the job seeker is no longer active",
    "co.round.skip.pair_exists": "this job seeker already has a match under way at this placement",
    "co.round.reloaded": "The page has been refreshed: you see the round as it is now.",
    "co.round.back": "All rounds",
  },
});

const STATUS_KIND = { computed: "proposed", committed: "approved", superseded: "cancelled" };

const modeLabel = (mode) => known(`co.round.mode.${mode}`, String(mode ?? ""));
const statusTag = (status) => tag(known(`co.round.status.${status}`, String(status ?? "")), STATUS_KIND[status]);
const num = (value, digits = 0) => formatNumber(Number(value ?? 0) || 0, digits);
const whyNotText = (code) => (code === "below_min_score" ? t("co.round.below_min_score") : filterLabel(code));
const skipText = (code) => known(`co.round.skip.${code}`, String(code ?? ""));
const seekerText = (id) => t("co.seeker.n", { id });

// A sentence from a message whose {places} hold nodes (links): the
// message is split on them, so the words around them stay translated.
function sentence(key, nodes, params = {}) {
  return t(key, params).split(/\{(\w+)\}/).map((part, i) => (i % 2 ? nodes[part] ?? `{${part}}` : part));
}

// A table that stacks on a phone (a card per row, each cell labelled with
// its column, console.css): for tables too wide to read by scrolling.
// The first column is the row's header and needs no label.
// `unlabelled`: columns whose cells say what they are (a button).
function stacking(table, unlabelled = []) {
  table.classList.add("round-stack");
  const labels = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
  for (const tr of table.querySelectorAll("tbody tr"))
    [...tr.children].forEach((c, i) => i > 0 && !unlabelled.includes(i) && !c.hasAttribute("colspan") && c.setAttribute("data-label", labels[i]));
  return table;
}

const bullets = (items, className) => h("ul", { class: ["utrecht-unordered-list", className] },
  items.map((item) => h("li", { class: "utrecht-unordered-list__item" }, item)));

// A section under its h2, named by it; a first child "#name" gives the
// heading that id (for a form named by the same heading).
function section(className, title, ...children) {
  const id = typeof children[0] === "string" && children[0].startsWith("#") ? children.shift().slice(1) : newId("round-section");
  return h("section", { class: className, "aria-labelledby": id }, Object.assign(heading(2, title), { id }), ...children);
}

// A message carried to the next screen (after running, recomputing).
let flash = null;
// Round documents just answered by POST, so the next screen need not ask again.
const fresh = new Map();
async function roundDoc(id) {
  const doc = fresh.get(String(id));
  fresh.delete(String(id));
  return doc ?? get(`/v1/rounds/${encodeURIComponent(id)}`);
}

// The label of an occupation by URI, in the console's language.
const occupations = new Map();
const uriTail = (uri) => uri.slice(uri.lastIndexOf("/") + 1);
function occupationLabel(uri) {
  if (!occupations.has(uri))
    occupations.set(uri, get(`/v1/occupations/${encodeURIComponent(uriTail(uri))}`).catch(() => ({})));
  return occupations.get(uri).then((o) => (currentLanguage() === "en" ? o.label_en || o.label_nl : o.label_nl || o.label_en) || uriTail(uri));
}

// Parameters the same but for the mode (both from the same server, so
// normalised alike; compared key by key all the same).
function sameChoice(a, b) {
  const key = (p) => JSON.stringify(Object.entries(p ?? {}).filter(([k]) => k !== "mode").sort(([x], [y]) => x.localeCompare(y)));
  return key(a) === key(b);
}

// --- the choice in words ---

async function choiceWords(params, doc, names) {
  const seekers = [];
  if (params.seeker_ids) seekers.push(t("co.round.sel.ids", { n: num(params.seeker_ids.length) }));
  if (params.portal_id != null) {
    const portal = await get(`/v1/portals/${encodeURIComponent(params.portal_id)}`).catch(() => null);
    seekers.push(t("co.round.sel.portal", { portal: portal?.name ?? t("co.portal.n", { id: params.portal_id }) }));
  }
  if (params.postcode_prefix) seekers.push(t("co.round.sel.area", { prefix: params.postcode_prefix }));
  const places = [];
  if (params.placement_ids) places.push(t("co.round.sel.places.ids", { n: num(params.placement_ids.length) }));
  if (params.employer_id != null) places.push(t("co.round.sel.employer", { employer: employerName(names.employers, params.employer_id) }));
  if (params.start_from) places.push(t("co.round.sel.from", { date: formatDate(params.start_from) }));
  if (params.start_until) places.push(t("co.round.sel.until", { date: formatDate(params.start_until) }));
  if (params.occupation_uri) places.push(t("co.round.sel.occupation", { occupation: await occupationLabel(params.occupation_uri) }));
  const capital = (text) => text.charAt(0).toLocaleUpperCase() + text.slice(1);
  const seekerChoice = seekers.length ? capital(seekers.join(", ")) : t("co.round.sel.all");
  const placeChoice = places.length ? capital(places.join(", ")) : t("co.round.sel.places.all");
  return {
    seekers: t("co.round.sel.seekers.count", { choice: seekerChoice, n: num(doc.seeker_count) }),
    placements: t("co.round.sel.places.count", { choice: placeChoice, n: num(doc.placement_count), places: num(doc.places) }),
  };
}

// --- stable and optimal side by side: the figures ---

function figuresTable(stable, optimal, caption) {
  const shell = tableShell([t("co.round.col.what"), modeLabel("stable"), modeLabel("optimal")], { caption });
  shell.table.classList.add("round-table--narrow");
  for (const th of [...shell.table.querySelectorAll("thead th")].slice(1)) th.classList.add("utrecht-table__header-cell--numeric-column");
  const numeric = (value) => h("td", { class: "utrecht-table__cell utrecht-table__cell--numeric-data" }, value);
  const line = (label, value) => row(rowHeader(label), numeric(value(stable ?? {})), numeric(value(optimal ?? {})));
  shell.tbody.append(
    line(t("co.round.row.placed"), (m) => num(m.placed)),
    line(t("co.round.row.total"), (m) => num(m.total_score)),
    line(t("co.round.row.mean"), (m) => num(m.mean_score, 1)),
    line(t("co.round.row.blocking"), (m) => num(m.blocking_pairs)));
  return scrollable(shell.table, caption);
}

// What the comparison says beyond the figures, in the console's words
// (the API's note is one English sentence; this says the same).
function comparisonWords(c) {
  return [
    c.placed_only_by_optimal ? paragraph(h("strong", {}, t("co.round.only_optimal", { n: num(c.placed_only_by_optimal) }))) : null,
    c.placed_only_by_stable ? paragraph(h("strong", {}, t("co.round.only_stable", { n: num(c.placed_only_by_stable) }))) : null,
    paragraph(t("co.round.note")),
    h("p", { class: "utrecht-paragraph muted" }, t("co.round.blocking.hint")),
  ];
}

// --- "/rounds": the choice, and the earlier rounds ---

const chosen = { seekers: "all", portal: "", area: "", ids: "", employer: "", from: "", until: "", occupation: "", min: "0", name: "" };

// "12, 15 18" -> [12, 15, 18]; null when anything else is in it.
function parseIds(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.length || parts.some((p) => !/^[1-9][0-9]{0,14}$/.test(p))) return null;
  return [...new Set(parts.map(Number))];
}

function roundForm(names, portals, occupationOptions) {
  const summary = h("div", { class: "form-summary-holder" });
  const said = h("div", { class: "status-holder" });
  const name = input({ name: "name", maxlength: "200", autocomplete: "off", value: chosen.name });
  const portal = select([["", t("co.rounds.portal.choose")],
    ...portals.map((p) => [String(p.id), p.name ?? t("co.portal.n", { id: p.id })])], { name: "portal_id", value: chosen.portal });
  const area = input({ name: "postcode_prefix", inputmode: "numeric", maxlength: "4", autocomplete: "off", value: chosen.area, class: "utrecht-textbox utrecht-textbox--html-input utrecht-textbox--sm" });
  const ids = input({ name: "seeker_ids", autocomplete: "off", spellcheck: "false", value: chosen.ids });
  const employer = select([["", t("co.rounds.employer.all")],
    ...[...names.employers.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))).map((e) => [String(e.id), e.name])],
  { name: "employer_id", value: chosen.employer });
  const from = input({ type: "date", name: "start_from", value: chosen.from });
  const until = input({ type: "date", name: "start_until", value: chosen.until });
  const occupation = select([["", t("co.rounds.occupation.all")], ...occupationOptions], { name: "occupation_uri", value: chosen.occupation });
  const min = input({ type: "number", name: "min_score", min: "0", max: "100", step: "1", inputmode: "numeric", value: chosen.min, class: "utrecht-textbox utrecht-textbox--html-input utrecht-textbox--sm" });

  // which seekers: a radio each, the field it needs beneath it
  const subs = {
    portal: field(t("co.rounds.portal"), portal),
    area: field(t("co.rounds.area"), area, { description: t("co.rounds.area.hint") }),
    ids: field(t("co.rounds.ids"), ids, { description: t("co.rounds.ids.hint") }),
  };
  const which = radioGroup(t("co.rounds.seekers"), [
    ["all", t("co.rounds.seekers.all")],
    ["portal", t("co.rounds.seekers.portal")],
    ["area", t("co.rounds.seekers.area")],
    ["ids", t("co.rounds.seekers.ids")],
  ], { value: chosen.seekers, onchange: () => showSub() });
  const seekersHint = h("p", { class: "utrecht-paragraph utrecht-form-field-description", id: newId("round-seekers-hint") }, t("co.rounds.seekers.hint"));
  which.element.querySelector("legend").after(seekersHint);
  which.element.setAttribute("aria-describedby", seekersHint.id);
  which.element.classList.add("round-form__group");
  for (const [i, key] of ["all", "portal", "area", "ids"].entries()) {
    if (!subs[key]) continue;
    subs[key].classList.add("round-form__sub");
    which.inputs[i].closest(".utrecht-form-field--radio").after(subs[key]);
  }
  function showSub() {
    for (const [key, node] of Object.entries(subs)) node.hidden = which.value() !== key;
  }
  showSub();

  const placesHint = h("p", { class: "utrecht-paragraph utrecht-form-field-description", id: newId("round-places-hint") }, t("co.rounds.places.hint"));
  const places = h("fieldset", { class: "utrecht-form-fieldset round-form__group", "aria-describedby": placesHint.id },
    h("legend", { class: "utrecht-form-fieldset__legend" }, t("co.rounds.places")),
    placesHint,
    field(t("co.rounds.employer"), employer),
    h("div", { class: "form-dates" }, field(t("co.rounds.from"), from), field(t("co.rounds.until"), until)),
    occupationOptions.length ? field(t("co.rounds.occupation"), occupation) : null);

  const submit = button(t("co.rounds.run"), undefined, { kind: "primary", type: "submit" });
  const fields = {
    name: { id: name.id || (name.id = newId("round-name")), label: t("co.rounds.name"), hint: t("co.rounds.problem.name") },
    portal_id: { id: portal.id || (portal.id = newId("round-portal")), label: t("co.rounds.portal"), hint: t("co.rounds.problem.portal") },
    postcode_prefix: { id: area.id || (area.id = newId("round-area")), label: t("co.rounds.area"), hint: t("co.rounds.problem.area") },
    seeker_ids: { id: ids.id || (ids.id = newId("round-ids")), label: t("co.rounds.ids"), hint: t("co.rounds.problem.ids") },
    employer_id: { id: employer.id || (employer.id = newId("round-employer")), label: t("co.rounds.employer") },
    start_from: { id: from.id || (from.id = newId("round-from")), label: t("co.rounds.from"), hint: t("co.rounds.problem.date") },
    start_until: { id: until.id || (until.id = newId("round-until")), label: t("co.rounds.until"),
      hint: (problem) => (/before/.test(problem) ? t("co.rounds.problem.until") : t("co.rounds.problem.date")) },
    occupation_uri: { id: occupation.id || (occupation.id = newId("round-occupation")), label: t("co.rounds.occupation") },
    min_score: { id: min.id || (min.id = newId("round-min")), label: t("co.rounds.min_score"), hint: t("co.rounds.problem.min_score") },
    "": { id: which.inputs[0].id, label: t("co.rounds.selection"),
      hint: (problem) => (/at most/.test(problem) ? t("co.rounds.problem.too_many") : t("forms.generic")) },
  };

  const form = h("form", { class: "login-form round-form", novalidate: true, "aria-labelledby": "rounds-new" },
    summary,
    field(optional(t("co.rounds.name")), name, { description: t("co.rounds.name.hint") }),
    which.element,
    places,
    field(t("co.rounds.min_score"), min, { description: t("co.rounds.min_score.hint") }),
    h("div", { class: "form-actions" }, submit),
    said);

  // the body for POST /v1/rounds (without its mode), or the problems found here
  function read() {
    Object.assign(chosen, {
      seekers: which.value(), portal: portal.value, area: area.value.trim(), ids: ids.value.trim(), employer: employer.value,
      from: from.value, until: until.value, occupation: occupation.value, min: min.value.trim(), name: name.value.trim(),
    });
    const body = {};
    const problems = [];
    if (chosen.name) body.name = chosen.name;
    if (chosen.seekers === "portal") {
      if (chosen.portal) body.portal_id = Number(chosen.portal);
      else problems.push({ field: "portal_id", problem: "missing" });
    } else if (chosen.seekers === "area") {
      if (/^[1-9][0-9]{0,3}$/.test(chosen.area)) body.postcode_prefix = chosen.area;
      else problems.push({ field: "postcode_prefix", problem: "invalid" });
    } else if (chosen.seekers === "ids") {
      const list = parseIds(chosen.ids);
      if (list) body.seeker_ids = list;
      else problems.push({ field: "seeker_ids", problem: "invalid" });
    }
    if (chosen.employer) body.employer_id = Number(chosen.employer);
    if (from.validity.badInput) problems.push({ field: "start_from", problem: "invalid" });
    else if (chosen.from) body.start_from = chosen.from;
    if (until.validity.badInput) problems.push({ field: "start_until", problem: "invalid" });
    else if (chosen.until) body.start_until = chosen.until;
    if (body.start_from && body.start_until && body.start_until < body.start_from)
      problems.push({ field: "start_until", problem: "must not be before start_from" });
    if (chosen.occupation) body.occupation_uri = chosen.occupation;
    const score = chosen.min === "" && !min.validity.badInput ? 0 : Number(chosen.min === "" ? NaN : chosen.min);
    if (Number.isInteger(score) && score >= 0 && score <= 100) body.min_score = score;
    else problems.push({ field: "min_score", problem: "invalid" });
    return { body, problems };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { body, problems } = read();
    if (problems.length) return showErrors(summary, problems, fields);
    clearErrors(summary, fields);
    submit.disabled = true;
    said.replaceChildren(h("p", { class: "utrecht-paragraph loading", role: "status" }, t("co.rounds.running")));
    let stable = null;
    try {
      stable = await post("/v1/rounds", { ...body, mode: "stable" });
      const optimal = await post("/v1/rounds", { ...body, mode: "optimal" });
      fresh.set(String(stable.id), stable);
      fresh.set(String(optimal.id), optimal);
      go(`/rounds/compare/${stable.id}/${optimal.id}`);
    } catch (error) {
      submit.disabled = false;
      said.replaceChildren();
      if (stable) {
        showErrors(summary, [], fields, { message: `${t("co.rounds.half", { id: stable.id })} ${refusal(error)}` });
        summary.querySelector(".utrecht-alert__message")?.append(paragraph(link(`#/rounds/${stable.id}`, t("co.round.title", { id: stable.id }))));
      } else if (error instanceof ApiError && error.status === 422 && error.details.length) showErrors(summary, error.details, fields);
      else showErrors(summary, [], fields, { message: refusal(error) });
    }
  });
  return form;
}

function roundsTable(items) {
  const shell = tableShell([t("co.rounds.col.round"), t("co.rounds.col.mode"), t("co.rounds.col.status"), t("co.rounds.col.when"),
    t("co.rounds.col.seekers"), t("co.rounds.col.placements"), t("co.rounds.col.placed"), t("co.rounds.col.total")],
  { caption: t("co.rounds.list.caption") });
  shell.table.classList.add("rounds-table");
  for (const th of [...shell.table.querySelectorAll("thead th")].slice(4)) th.classList.add("utrecht-table__header-cell--numeric-column");
  const numeric = (value) => h("td", { class: "utrecht-table__cell utrecht-table__cell--numeric-data" }, num(value));
  const add = (list) => {
    shell.tbody.append(...list.map((r) => row(
      rowHeader(link(`#/rounds/${r.id}`, t("co.round.title", { id: r.id })),
        r.name ? h("span", { class: "rounds-table__name" }, r.name) : null),
      cell(modeLabel(r.mode)),
      cell(statusTag(r.status)),
      cell(formatDateTime(r.created_at)),
      numeric(r.seeker_count), numeric(r.placement_count), numeric(r.placed ?? r.totals?.placed), numeric(r.total_score ?? r.totals?.total_score))));
    stacking(shell.table);
  };
  add(items);
  return { node: scrollable(shell.table, t("co.rounds.list.caption")), add };
}

async function roundList(holder) {
  await fill(holder, async () => {
    const first = await get("/v1/rounds?limit=50");
    if (!first.items?.length) return paragraph(t("co.rounds.list.none"));
    const list = roundsTable(first.items);
    let cursor = first.next_cursor;
    const more = cursor ? button(t("co.rounds.more"), async () => {
      more.disabled = true;
      try {
        const next = await get(`/v1/rounds?limit=50&cursor=${encodeURIComponent(cursor)}`);
        list.add(next.items ?? []);
        cursor = next.next_cursor;
        more.disabled = false;
        if (!cursor) more.remove();
      } catch (error) {
        more.disabled = false;
        more.after(failure({ message: refusal(error) }));
      }
    }) : null;
    return [list.node, more ? h("div", { class: "button-row" }, more) : null];
  });
}

async function roundsPage(main) {
  const formBox = h("div", { class: "rounds__form" });
  const listBox = h("div", { class: "rounds__list" });
  page(main, t("co.rounds.title"), paragraph(t("co.rounds.intro")),
    section("rounds__new", t("co.rounds.new"), "#rounds-new", formBox),
    section("rounds__earlier", t("co.rounds.list"), listBox));
  await Promise.all([
    fill(formBox, async () => {
      const [names, portals, open] = await Promise.all([
        lookups({ placements: false }),
        getAll("/v1/portals").catch(() => []),
        getAll("/v1/placements?status=open").catch(() => []),
      ]);
      const uris = [...new Set(open.map((p) => p.occupation_uri).filter(Boolean))];
      const labels = await Promise.all(uris.map(occupationLabel));
      const options = uris.map((uri, i) => [uri, labels[i]]).sort((a, b) => a[1].localeCompare(b[1]));
      return roundForm(names, portals, options);
    }),
    roundList(listBox),
  ]);
}

// --- "/rounds/compare/:a/:b" ---

function placementCell(names, pair) {
  if (!pair) return h("span", { class: "muted" }, t("co.compare.unplaced"));
  return [placementLink(names.placements, pair.placement_id), h("span", { class: "round-score" }, ` · ${t("co.compare.score", { score: pair.score })}`)];
}

// Seekers whose placement differs between the two, in id order.
function differences(stable, optimal) {
  const at = (doc) => new Map((doc.pairs ?? []).map((p) => [Number(p.seeker_id), p]));
  const s = at(stable);
  const o = at(optimal);
  const everyone = new Set([...s.keys(), ...o.keys(),
    ...[...(stable.unassigned ?? []), ...(optimal.unassigned ?? [])].map((u) => Number(u.seeker_id))]);
  return [...everyone].sort((a, b) => a - b)
    .filter((id) => Number(s.get(id)?.placement_id ?? 0) !== Number(o.get(id)?.placement_id ?? 0))
    .map((id) => ({ id, stable: s.get(id), optimal: o.get(id) }));
}

const buttonLink = (href, text, kind = "secondary") =>
  h("a", { class: ["utrecht-button-link", "utrecht-button-link--html-a", `utrecht-button-link--${kind}-action`], href }, text);

async function comparePage(main, a, b) {
  const body = h("div", { class: "round-compare" });
  page(main, t("co.compare.title"), body);
  await fill(body, async () => {
    const [first, second, names] = await Promise.all([roundDoc(a), roundDoc(b), lookups()]);
    const [stable, optimal] = first.mode === "optimal" && second.mode !== "optimal" ? [second, first] : [first, second];
    const fits = stable.mode === "stable" && optimal.mode === "optimal" && sameChoice(stable.params, optimal.params);
    const words = await choiceWords(stable.params ?? {}, stable, names);
    const differ = differences(stable, optimal);
    const shell = tableShell([t("co.compare.col.seeker"), modeLabel("stable"), modeLabel("optimal")], { caption: t("co.compare.differs.caption") });
    for (const d of differ)
      shell.tbody.append(row(rowHeader(seekerLink(d.id)), cell(placementCell(names, d.stable)), cell(placementCell(names, d.optimal))));
    stacking(shell.table);
    const note = flash;
    flash = null;
    return [
      note ? statusMessage(note.kind, paragraph(note.text)) : null,
      paragraph(t("co.compare.intro", { stable: stable.id, optimal: optimal.id })),
      fits ? null : alert("warning", paragraph(t("co.compare.mismatch"))),
      section("round-compare__choice", t("co.compare.choice"),
        facts([
          [t("co.round.seekers"), words.seekers],
          [t("co.round.placements"), words.placements],
          [t("co.round.min_score"), num(stable.params?.min_score)],
          stable.name ? [t("co.rounds.name"), stable.name] : [],
        ])),
      section("round-compare__figures", t("co.compare.figures"),
        figuresTable(stable.totals, optimal.totals, t("co.round.figures.caption")),
        ...comparisonWords(stable.comparison ?? {})),
      section("round-compare__differs", t("co.compare.differs"),
        paragraph(h("strong", {}, differ.length ? t("co.compare.differs.count", { n: num(differ.length) }) : t("co.compare.differs.none"))),
        differ.length ? scrollable(shell.table, t("co.compare.differs.caption")) : null),
      section("round-compare__choose", t("co.compare.choose"),
        paragraph(t("co.compare.choose.intro")),
        h("div", { class: "button-row" },
          buttonLink(`#/rounds/${stable.id}`, t("co.compare.open.stable", { id: stable.id }), "primary"),
          buttonLink(`#/rounds/${optimal.id}`, t("co.compare.open.optimal", { id: optimal.id })))),
      paragraph(link("#/rounds", t("co.compare.back"))),
    ];
  });
}

// --- "/rounds/:id" ---

// The round computed with it the other way (the console makes the stable
// one first, the optimal one next), when it has the same choice. Looked
// for among the recent rounds first: asking for an id that does not exist
// would be a 404 in the browser's console.
async function sibling(doc) {
  const other = doc.mode === "stable" ? Number(doc.id) + 1 : Number(doc.id) - 1;
  const recent = await get("/v1/rounds?limit=100").catch(() => null);
  const listed = recent?.items?.find((r) => Number(r.id) === other);
  if (!listed || listed.mode === doc.mode) return null;
  const found = await get(`/v1/rounds/${other}`).catch(() => null);
  return found && sameChoice(found.params, doc.params) ? found : null;
}

function reasonsOfSeeker(u, names) {
  if (u.reason === "no_eligible_placement")
    return [paragraph(t("co.round.reason.no_eligible_placement")),
      (u.why_not ?? []).length ? bullets(u.why_not.map((w) => t("co.round.why_not.seeker", { n: num(w.count), reason: whyNotText(w.code) }))) : null];
  if (u.reason === "places_went_to_others")
    return [paragraph(t("co.round.reason.places_went_to_others")),
      bullets((u.contested ?? []).map((c) => {
        const who = (c.taken_by ?? []).flatMap((x, i) => [i ? t("co.round.and") : null,
          ...sentence("co.round.taken_by", { seeker: seekerLink(x.seeker_id) }, { score: x.score })]);
        return sentence("co.round.contested", { placement: placementLink(names.placements, c.placement_id), who: who.length ? who : t("co.round.nobody") },
          { score: c.score });
      }))];
  return [paragraph(known(`co.round.reason.${u.reason}`, String(u.reason ?? "")))];
}

function reasonsOfPlace(p, names, doc) {
  const employer = doc.employers?.find((e) => Number(e.employer_id) === Number(p.employer_id))?.name ?? employerName(names.employers, p.employer_id);
  const head = paragraph(...sentence("co.round.left.item", { placement: placementLink(names.placements, p.placement_id) },
    { employer, left: num(p.left), places: num(p.places) }));
  if (p.reason === "no_eligible_seeker")
    return [head, paragraph(t("co.round.left.no_eligible_seeker")),
      (p.why_not ?? []).length ? bullets(p.why_not.map((w) => t("co.round.why_not.placement", { n: num(w.count), reason: whyNotText(w.code) }))) : null];
  if (p.reason === "eligible_seekers_placed_elsewhere")
    return [head, paragraph(t("co.round.left.eligible_seekers_placed_elsewhere", { n: num(p.eligible_seekers) }))];
  return [head];
}

// The pairs' table: a row per pair, its explanation in a row beneath that
// opens and closes, and (while the round may change) leave out / put back.
function pairsTable(doc, names, editable, { onChange, onRefused }) {
  const columns = [t("co.round.col.seeker"), t("co.round.col.placement"), t("co.round.col.employer"), t("co.round.col.score"),
    t("co.round.col.distance"), t("co.round.col.why"), t("co.round.col.keep")];
  const caption = t("co.round.pairs.caption", { id: doc.id });
  const shell = tableShell(columns, { caption });
  shell.table.classList.add("round-pairs");
  const heads = shell.table.querySelectorAll("thead th");
  heads[3].classList.add("utrecht-table__header-cell--numeric-column");
  heads[4].classList.add("utrecht-table__header-cell--numeric-column");
  const employerOf = (pair) => doc.employers?.find((e) => Number(e.employer_id) === Number(pair.employer_id))?.name
    ?? employerName(names.employers, pair.employer_id);
  const numeric = (value) => h("td", { class: "utrecht-table__cell utrecht-table__cell--numeric-data" }, value);

  for (const pair of doc.pairs ?? []) {
    const who = seekerText(pair.seeker_id);
    const whyId = newId("round-why");
    const whyButton = h("button", {
      type: "button", class: "utrecht-button utrecht-button--secondary-action round-pairs__why", "aria-expanded": "false", "aria-controls": whyId,
    }, t("co.round.why"), h("span", { class: "visually-hidden" }, ` (${who})`));
    const keepCell = h("td", { class: "utrecht-table__cell round-pairs__keep" });
    const line = row(
      rowHeader(seekerLink(pair.seeker_id)),
      cell(placementLink(names.placements, pair.placement_id)),
      cell(employerOf(pair)),
      numeric(num(pair.score)),
      numeric(t("co.round.km", { km: num(pair.explanation?.distance_km ?? pair.distance_km, 1) })),
      cell(whyButton),
      keepCell);
    const why = h("tr", { class: "utrecht-table__row round-pairs__explanation", id: whyId, hidden: true },
      h("td", { class: "utrecht-table__cell", colspan: String(columns.length) },
        h("div", { class: "round-why" },
          h("p", { class: "utrecht-paragraph round-why__of" },
            ...sentence("co.round.why.of", { seeker: who, placement: placementLink(names.placements, pair.placement_id) })),
          scoreBlock({ score: pair.score, explanation: pair.explanation }, { level: 3, open: true }))));
    whyButton.addEventListener("click", () => {
      const open = why.hidden;
      why.hidden = !open;
      whyButton.setAttribute("aria-expanded", String(open));
    });

    const drawKeep = () => {
      line.classList.toggle("round-pairs__row--dropped", Boolean(pair.dropped));
      const state = pair.dropped ? tag(t("co.round.keep.no"), "cancelled") : tag(t("co.round.keep.yes"), "open");
      if (!editable) return keepCell.replaceChildren(state);
      const toggle = h("button", { type: "button", class: "utrecht-button utrecht-button--secondary-action round-pairs__toggle" },
        pair.dropped ? t("co.round.undrop") : t("co.round.drop"), h("span", { class: "visually-hidden" }, ` (${who})`));
      toggle.addEventListener("click", async () => {
        toggle.disabled = true;
        try {
          const answer = await patch(`/v1/rounds/${encodeURIComponent(doc.id)}/pairs/${encodeURIComponent(pair.seeker_id)}`,
            { dropped: !pair.dropped });
          pair.dropped = Boolean(answer?.dropped ?? !pair.dropped);
          drawKeep();
          keepCell.querySelector("button")?.focus();
          announce(t(pair.dropped ? "co.round.dropped" : "co.round.undropped", { seeker: who }));
          onChange();
        } catch (error) {
          toggle.disabled = false;
          onRefused(error);
        }
      });
      keepCell.replaceChildren(h("div", { class: "round-pairs__keep-inner" }, state, toggle));
    };
    drawKeep();
    shell.tbody.append(line, why);
  }
  return scrollable(stacking(shell.table, [5]), caption);
}

function employersTable(doc, names) {
  const caption = t("co.round.employers.caption");
  const shell = tableShell([t("co.round.col.employer"), t("co.round.col.places"), t("co.round.col.filled"), t("co.round.col.free")], { caption });
  shell.table.classList.add("round-table--narrow");
  for (const th of [...shell.table.querySelectorAll("thead th")].slice(1)) th.classList.add("utrecht-table__header-cell--numeric-column");
  const numeric = (value) => h("td", { class: "utrecht-table__cell utrecht-table__cell--numeric-data" }, num(value));
  for (const e of doc.employers ?? [])
    shell.tbody.append(row(rowHeader(link(`#/employers/${e.employer_id}`, e.name ?? employerName(names.employers, e.employer_id))),
      numeric(e.places), numeric(e.filled), numeric(Number(e.places ?? 0) - Number(e.filled ?? 0))));
  return scrollable(stacking(shell.table), caption);
}

// What committing made: the proposed matches (links to the match screen)
// and the pairs skipped with their reason.
function commitResult(doc, names) {
  const result = doc.commit ?? {};
  const created = result.created ?? [];
  const skipped = result.skipped ?? [];
  const caption = t("co.round.created.caption", { id: doc.id });
  const shell = tableShell([t("co.round.col.match"), t("co.round.col.seeker"), t("co.round.col.placement")], { caption });
  for (const c of created)
    shell.tbody.append(row(rowHeader(matchLink(c.match_id)), cell(seekerLink(c.seeker_id)), cell(placementLink(names.placements, c.placement_id))));
  return section("round__result", t("co.round.result"),
    heading(3, t("co.round.created")),
    created.length ? [scrollable(stacking(shell.table), caption), paragraph(link("#/queue", t("co.round.queue")))] : paragraph(t("co.round.created.none")),
    skipped.length ? [heading(3, t("co.round.skipped")),
      bullets(skipped.map((s) => sentence("co.round.skipped.item",
        { seeker: seekerLink(s.seeker_id), placement: placementLink(names.placements, s.placement_id) }, { reason: skipText(s.reason) })))] : null);
}

// Commit: the count of what will be proposed, a button that opens the
// confirmation, and the confirmation's own button.
function commitSection(doc, onCommitted, onRefused) {
  const counts = h("div", { class: "round-commit__counts", role: "status" });
  const panel = h("div", { class: "round-confirm", role: "group", hidden: true, tabindex: "-1", "aria-labelledby": "round-confirm-title" });
  const problem = h("div", { class: "status-holder" });
  const toCommit = () => (doc.pairs ?? []).filter((p) => !p.dropped).length;
  const dropped = () => (doc.pairs ?? []).filter((p) => p.dropped).length;
  let key = randomKey();
  const open = button(t("co.round.commit.go"), () => {
    yes.textContent = t("co.round.commit.yes", { n: num(toCommit()) });
    panel.hidden = false;
    open.setAttribute("aria-expanded", "true");
    panel.focus();
  }, { kind: "primary" });
  open.setAttribute("aria-expanded", "false");
  open.setAttribute("aria-controls", "round-confirm");
  panel.id = "round-confirm";
  const yes = button(t("co.round.commit.yes", { n: num(toCommit()) }), async () => {
    yes.disabled = true;
    cancel.disabled = true;
    problem.replaceChildren(h("p", { class: "utrecht-paragraph loading", role: "status" }, t("co.round.commit.busy")));
    try {
      const { body: answer } = await send("POST", `/v1/rounds/${encodeURIComponent(doc.id)}/commit`, undefined,
        { headers: { "Idempotency-Key": key } });
      onCommitted(answer ?? {});
    } catch (error) {
      yes.disabled = false;
      cancel.disabled = false;
      // the same key again only when the answer may have been lost
      if (!(error instanceof ApiError && error.status === 0)) key = randomKey();
      if (error instanceof ApiError && error.status === 409) return onRefused(error);
      const box = statusMessage("error", paragraph(refusal(error)));
      problem.replaceChildren(box);
      box.focus();
    }
  }, { kind: "primary" });
  yes.classList.add("round-confirm__yes");
  const cancel = button(t("co.round.commit.cancel"), () => {
    panel.hidden = true;
    problem.replaceChildren();
    open.setAttribute("aria-expanded", "false");
    open.focus();
  }, { kind: "subtle" });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !cancel.disabled) cancel.click();
  });
  panel.append(...[
    h("h3", { class: "utrecht-heading-3", id: "round-confirm-title" }, t("co.round.commit.confirm", { id: doc.id })),
    paragraph(t("co.round.commit.once")),
    doc.stale ? alert("warning", paragraph(t("co.round.commit.stale"))) : null,
    h("div", { class: "button-row" }, yes, cancel),
    problem].filter(Boolean));
  const update = () => {
    counts.replaceChildren(paragraph(t("co.round.commit.count", { n: num(toCommit()) }),
      dropped() ? ` ${t("co.round.commit.dropped", { n: num(dropped()) })}` : ""));
    yes.textContent = t("co.round.commit.yes", { n: num(toCommit()) });
  };
  update();
  const node = section("round__commit", t("co.round.commit"),
    paragraph(t("co.round.commit.intro")), counts, h("div", { class: "button-row" }, open), panel);
  return { node, update };
}

async function roundPage(main, id, me, notice = null) {
  const body = h("div", { class: "round" });
  page(main, t("co.round.title", { id }), body);
  let focusTarget = null;
  const reload = (next) => roundPage(main, id, me, next);
  // a refusal that means the round changed elsewhere: shown again as it is
  const onRefused = (error) => {
    if (error instanceof ApiError && (error.status === 409 || error.status === 404))
      return reload({ kind: "error", text: `${refusal(error)} ${t("co.round.reloaded")}` });
    const box = statusMessage("error", paragraph(refusal(error)));
    main.querySelector(".round__said")?.replaceChildren(box);
    box.focus();
  };
  await fill(body, async () => {
    const [doc, names] = await Promise.all([roundDoc(id), lookups()]);
    const words = await choiceWords(doc.params ?? {}, doc, names);
    const editable = doc.status === "computed";
    const who = (account) => (account != null && Number(account) === Number(me?.account_id) ? t("co.round.by.you") : actorLabel("coordinator", account));
    const carried = notice ?? flash;
    flash = null;
    const said = h("div", { class: "status-holder round__said" });
    if (carried) {
      focusTarget = statusMessage(carried.kind, paragraph(carried.text), ...(carried.more ?? []).map((m) => paragraph(m)));
      said.append(focusTarget);
    }
    const totals = doc.totals ?? {};
    const compareBox = h("div", { class: "round__sibling" });
    sibling(doc).then((other) => {
      if (!other) return;
      const [s, o] = doc.mode === "stable" ? [doc.id, other.id] : [other.id, doc.id];
      compareBox.replaceChildren(paragraph(link(`#/rounds/compare/${s}/${o}`, t("co.round.compare.link", { stable: s, optimal: o }))));
    }, () => {});

    let commit = null;
    if (editable) commit = commitSection(doc, (answer) => {
      const created = (answer.created ?? []).length;
      const skipped = (answer.skipped ?? []).length;
      const more = [skipped ? t("co.round.commit.skipped", { n: num(skipped) }) : null, answer.stale ? t("co.round.commit.was_stale") : null].filter(Boolean);
      reload({ kind: "ok", text: t("co.round.commit.done", { n: num(created) }), more });
    }, onRefused);

    const recompute = editable && doc.stale ? button(t("co.round.recompute"), async () => {
      recompute.disabled = true;
      try {
        const next = await post(`/v1/rounds/${encodeURIComponent(doc.id)}/recompute`);
        fresh.set(String(next.id), next);
        flash = { kind: "ok", text: t("co.round.recomputed", { id: next.id, old: doc.id }) };
        go(`/rounds/${next.id}`);
      } catch (error) {
        recompute.disabled = false;
        onRefused(error);
      }
    }, { kind: "primary" }) : null;

    return [
      said,
      doc.name ? paragraph(h("strong", { class: "round__name" }, doc.name)) : null,
      paragraph(t("co.round.state"), statusTag(doc.status), " · ", modeLabel(doc.mode), ` (${t(`co.round.mode.${doc.mode}.hint`)})`),
      doc.status === "superseded"
        ? alert("info", paragraph(t("co.round.superseded", { id: doc.recomputed_as })),
            doc.recomputed_as ? paragraph(link(`#/rounds/${doc.recomputed_as}`, t("co.round.superseded.link", { id: doc.recomputed_as }))) : null)
        : null,
      doc.status === "committed"
        ? alert("info", paragraph(t("co.round.committed", { when: formatDateTime(doc.commit?.committed_at), who: who(doc.commit?.committed_by) })))
        : null,
      recompute ? h("div", { class: "round__stale" }, alert("warning", paragraph(t("co.round.stale"))), h("div", { class: "button-row" }, recompute)) : null,
      doc.status === "committed" ? commitResult(doc, names) : null,
      section("round__about", t("co.round.about"), facts([
        [t("co.round.mode"), `${modeLabel(doc.mode)} (${t(`co.round.mode.${doc.mode}.hint`)})`],
        [t("co.round.seekers"), words.seekers],
        [t("co.round.placements"), words.placements],
        [t("co.round.min_score"), num(doc.params?.min_score)],
        [t("co.round.eligible_pairs"), num(doc.eligible_pairs)],
        [t("co.round.computed"), t("co.round.computed.value", { when: formatDateTime(doc.created_at), who: who(doc.created_by), ms: num(doc.computed_ms) })],
        [t("co.round.rules"), doc.rules_version],
      ])),
      section("round__outcome", t("co.round.outcome"), facts([
        [t("co.round.placed"), t("co.round.placed.value", { placed: num(totals.placed), seekers: num(doc.seeker_count) })],
        [t("co.round.filled"), t("co.round.filled.value", { filled: num(totals.places_filled), places: num(doc.places) })],
        [t("co.round.total"), num(totals.total_score)],
        [t("co.round.mean"), num(totals.mean_score, 1)],
        [t("co.round.blocking"), num(totals.blocking_pairs)],
      ])),
      section("round__compare", t("co.round.compare"),
        paragraph(t("co.round.compare.intro")),
        figuresTable(doc.comparison?.stable, doc.comparison?.optimal, t("co.round.figures.caption")),
        doc.comparison?.seekers_placed_differently != null
          ? paragraph(h("strong", {}, t("co.round.differently", { n: num(doc.comparison.seekers_placed_differently) })))
          : null,
        ...comparisonWords(doc.comparison ?? {}),
        compareBox),
      section("round__pairs", t("co.round.pairs"),
        paragraph(t("co.round.pairs.intro")),
        (doc.pairs ?? []).length
          ? pairsTable(doc, names, editable, { onChange: () => commit?.update(), onRefused })
          : paragraph(t("co.round.pairs.none"))),
      section("round__unassigned", t("co.round.unassigned"),
        (doc.unassigned ?? []).length
          ? h("ul", { class: "round-reasons" }, doc.unassigned.map((u) =>
              h("li", { class: "round-reasons__item" }, h("p", { class: "utrecht-paragraph round-reasons__who" }, seekerLink(u.seeker_id)), ...reasonsOfSeeker(u, names))))
          : paragraph(t("co.round.unassigned.none"))),
      section("round__left", t("co.round.left"),
        (doc.placements_left ?? []).length
          ? h("ul", { class: "round-reasons" }, doc.placements_left.map((p) => h("li", { class: "round-reasons__item" }, ...reasonsOfPlace(p, names, doc))))
          : paragraph(t("co.round.left.none"))),
      (doc.employers ?? []).length ? section("round__employers", t("co.round.employers"), employersTable(doc, names)) : null,
      commit?.node,
      paragraph(link("#/rounds", t("co.round.back"))),
    ];
  });
  if (focusTarget?.isConnected) {
    focusTarget.focus();
    announce(focusTarget.textContent);
  }
}

route("/rounds", (params, main) => roundsPage(main), ROLE);
route("/rounds/compare/:a/:b", (params, main) => comparePage(main, params.a, params.b), ROLE);
route("/rounds/:id", (params, main, me) => roundPage(main, params.id, me), ROLE);
