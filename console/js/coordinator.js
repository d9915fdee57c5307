// The coordinator's screens (desktop first).
import { route } from "./router.js";
import { t } from "./i18n.js";
import { page, paragraph } from "./ui.js";

export const navigation = () => [["/overview", t("nav.overview")]];

route("/overview", (params, main) => page(main, t("nav.overview"), paragraph("…")), { roles: ["coordinator"] });
