//! The fixed answer lists of a facility's fields: (code as stored, label as shown).

pub type Choices = &'static [(&'static str, &'static str)];

pub const FUNDING: Choices = &[
    ("wmo", "Wmo"),
    ("jeugdwet", "Jeugdwet"),
    ("participatiewet", "Participatiewet"),
    ("zvw", "Zorgverzekeringswet"),
    ("wlz", "Wet langdurige zorg"),
    ("justitie", "Justitie"),
    ("subsidie", "Gemeentelijke subsidie"),
    ("fondsen", "Fondsen"),
    ("eigen_inkomsten", "Eigen inkomsten"),
    ("eigen_bijdragen", "Eigen bijdragen"),
];

pub const ROUTES: Choices = &[
    ("zelfstandig", "Zelfstandige melding"),
    ("wijkteam", "Via sociaal team of wijkteam"),
    (
        "sociale_zaken",
        "Via sociale zaken (na een aanvraag voor maatwerk)",
    ),
    ("andere_organisatie", "Via een andere organisatie"),
];

pub const OWN_CONTRIBUTION: Choices = &[
    ("geen", "Geen eigen bijdrage"),
    (
        "consumpties",
        "Geen eigen bijdrage, wel voor consumpties en materialen",
    ),
    ("per_bezoek", "Een bedrag per bezoek"),
    ("per_maand", "Een bedrag per maand"),
];

/// No eigen bijdrage: the Maastricht beleidsnotitie Algemene voorzieningen 2020 (§6.2) lets a place ask for consumptions and materials
/// ("gebruikelijke kosten"), which is not an own contribution, so such places are free to join
/// for the "geen eigen bijdrage" filter, the handout ("Gratis") and HSDS alike.
pub fn free_to_join(own_contribution: &str) -> bool {
    matches!(own_contribution, "geen" | "consumpties")
}

pub const ACCESS: Choices = &[
    ("vrij", "Zonder indicatie (algemene voorziening)"),
    ("indicatie", "Met indicatie of beschikking (maatwerk)"),
];

pub const WHEELCHAIR: Choices = &[("ja", "Ja"), ("nee", "Nee"), ("onbekend", "Onbekend")];

pub const PROFESSIONALS: Choices = &[
    ("aanwezig", "Aanwezig"),
    ("oproepbaar", "Oproepbaar"),
    ("geen", "Geen"),
    ("onbekend", "Onbekend"),
];

pub const EXPERTS: Choices = &[
    ("geen", "Geen"),
    ("vrijwillig", "Ja, als vrijwilliger"),
    ("betaald", "Ja, betaald"),
    ("onbekend", "Onbekend"),
];

pub const WELCOME: Choices = &[
    ("ja", "Ja"),
    ("voorwaarden", "Onder voorwaarden"),
    ("nee", "Nee"),
    ("onbekend", "Onbekend"),
];

pub const USED: Choices = &[
    ("ja", "Ja"),
    ("beetje", "Een beetje"),
    ("nee", "Nee"),
    ("onbekend", "Onbekend"),
];

/// The label of `code` in `list`, or the code itself.
pub fn label(list: Choices, code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// The stored code for `input`, matched on code or label, ignoring case.
pub fn find(list: Choices, input: &str) -> Option<&'static str> {
    let input = input.trim();
    list.iter()
        .find(|(c, l)| c.eq_ignore_ascii_case(input) || l.eq_ignore_ascii_case(input))
        .map(|(c, _)| *c)
}
