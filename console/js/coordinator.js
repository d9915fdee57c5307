// The coordinator's screens (desktop first). Each screen module registers
// its routes (for the role "coordinator" only) when it is imported; the
// shell (app.js) asks this module for the navigation.
import { t } from "./i18n.js";
import "./coordinator-common.js";
import "./coordinator-overview.js";
import "./coordinator-queue.js";
import "./coordinator-match.js";
import "./coordinator-seekers.js";
import "./coordinator-placements.js";
import "./coordinator-employers.js";
import "./coordinator-deliveries.js";
import "./coordinator-audit.js";
import "./coordinator-accounts.js";
import "./coordinator-portals.js";
import "./coordinator-privacy.js";
import "./coordinator-retention.js";
import "./coordinator-rounds.js";
import "./coordinator-reports.js";

export const navigation = () => [
  ["/overview", t("co.nav.overview")],
  ["/queue", t("co.nav.queue")],
  ["/seekers", t("co.nav.seekers")],
  ["/placements", t("co.nav.placements")],
  ["/rounds", t("co.nav.rounds")],
  ["/reports", t("co.nav.reports")],
  ["/employers", t("co.nav.employers")],
  ["/deliveries", t("co.nav.deliveries")],
  ["/accounts", t("co.nav.accounts")],
  ["/portals", t("co.nav.portals")],
  ["/audit", t("co.nav.audit")],
  ["/retention", t("co.nav.retention")],
];
