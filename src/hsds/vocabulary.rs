//! The tenant's classifications as HSDS taxonomies, one each: levensgebieden, facility types
//! (each under its levensgebied), functions and bouwstenen; plus a fifth, "kenmerken", that
//! names the register's own properties HSDS has no field for, so they travel as attributes.
//! Kept per register generation ([`crate::cache`]); the taxonomy routes are
//! [`super::taxonomies`].

use std::collections::HashMap;

use uuid::Uuid;

use super::api::ApiResult;
use super::ids;
use super::model::{Attribute, Taxonomy, TaxonomyTerm};
use crate::db::TenantTx;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Levensgebied,
    Type,
    Functie,
    Bouwsteen,
    Kenmerk,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Levensgebied,
        Kind::Type,
        Kind::Functie,
        Kind::Bouwsteen,
        Kind::Kenmerk,
    ];

    /// The taxonomy's code, part of its ids.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Levensgebied => "levensgebieden",
            Kind::Type => "voorzieningentypen",
            Kind::Functie => "functies",
            Kind::Bouwsteen => "bouwstenen",
            Kind::Kenmerk => "kenmerken",
        }
    }

    /// `link_type` of an attribute with a term of this taxonomy.
    pub fn link_type(self) -> &'static str {
        match self {
            Kind::Levensgebied => "levensgebied",
            Kind::Type => "voorzieningentype",
            Kind::Functie => "functie",
            Kind::Bouwsteen => "bouwsteen",
            Kind::Kenmerk => "kenmerk",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Levensgebied => "Levensgebieden",
            Kind::Type => "Voorzieningentypen",
            Kind::Functie => "Functies van algemene voorzieningen",
            Kind::Bouwsteen => "Bouwstenen voor inclusieve wijken",
            Kind::Kenmerk => "Kenmerken van voorzieningen",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Kind::Levensgebied => "De negen levensgebieden van de VNG-handreiking voor regioplannen Opvang en Bescherming.",
            Kind::Type => "De voorzieningentypen per levensgebied (VNG-handreiking Opvang en Bescherming), \
                           zoals deze gemeente of regio ze gebruikt; elk type valt onder zijn levensgebied.",
            Kind::Functie => "De functies van een algemene voorziening (MIND, VNG en Valente, 2020).",
            Kind::Bouwsteen => "De zeven bouwstenen voor inclusieve wijken uit 'Weer Thuis' (Platform31).",
            Kind::Kenmerk => "Gegevens van het register waarvoor HSDS geen eigen veld heeft; ze staan als \
                              attribuut met een waarde bij de dienst, locatie of het gebied.",
        }
    }
}

/// The register's own public properties, published as attributes: (code, name, description).
pub const KENMERKEN: [(&str, &str, &str); 2] = [
    ("vorm", "Vorm", "De soort plek, zoals Huis van de Wijk, buurtcentrum of inloophuis. De waarde is de naam van de vorm."),
    ("cbs_code", "CBS-code", "De code van het gebied bij het CBS: GM (gemeente), WK (wijk) of BU (buurt) met cijfers."),
];

#[derive(Debug, Clone)]
pub struct Term {
    pub kind: Kind,
    pub code: String,
    pub name: String,
    pub description: String,
    /// The code of the levensgebied a facility type belongs to.
    pub parent: Option<String>,
}

/// Every term of the tenant, in taxonomy order.
pub struct Vocabulary {
    tenant_id: Uuid,
    terms: Vec<Term>,
    by_id: HashMap<Uuid, usize>,
    by_code: HashMap<(Kind, String), usize>,
}

impl Vocabulary {
    pub async fn load(tx: &mut TenantTx) -> ApiResult<Self> {
        let tenant_id = tx.tenant_id();
        let mut terms = Vec::new();
        let levensgebieden: Vec<(String, String)> =
            sqlx::query_as("select code, name from levensgebieden order by position")
                .fetch_all(&mut **tx)
                .await?;
        for (code, name) in levensgebieden {
            let description = format!("Levensgebied {}.", name.to_lowercase());
            terms.push(Term {
                kind: Kind::Levensgebied,
                code,
                name,
                description,
                parent: None,
            });
        }
        // Retired types stay while a published facility still carries them.
        let types: Vec<(String, String, String, String)> = sqlx::query_as(
            "select t.code, t.name, t.description, t.levensgebied from facility_types t \
             where t.tenant_id = $1 and (not t.retired or exists ( \
                 select 1 from facility_type_links l \
                 join facilities f on f.tenant_id = l.tenant_id and f.facility_id = l.facility_id \
                 where l.tenant_id = t.tenant_id and l.type_code = t.code and not f.archived)) \
             order by t.position, lower(t.name), t.code",
        )
        .bind(tenant_id)
        .fetch_all(&mut **tx)
        .await?;
        for (code, name, description, levensgebied) in types {
            let description = if description.trim().is_empty() {
                name.clone()
            } else {
                description
            };
            terms.push(Term {
                kind: Kind::Type,
                code,
                name,
                description,
                parent: Some(levensgebied),
            });
        }
        let lists: Vec<(String, String, String, String)> = sqlx::query_as(
            "select kind, code, name, description from code_lists where kind in ('functie', 'bouwsteen') \
             order by kind desc, position",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (kind, code, name, description) in lists {
            let kind = if kind == "functie" {
                Kind::Functie
            } else {
                Kind::Bouwsteen
            };
            let description = if description.trim().is_empty() {
                name.clone()
            } else {
                description
            };
            terms.push(Term {
                kind,
                code,
                name,
                description,
                parent: None,
            });
        }
        for (code, name, description) in KENMERKEN {
            terms.push(Term {
                kind: Kind::Kenmerk,
                code: code.into(),
                name: name.into(),
                description: description.into(),
                parent: None,
            });
        }
        Ok(Self::new(tenant_id, terms))
    }

    /// The terms, indexed; with no terms it still names the taxonomies.
    pub(super) fn new(tenant_id: Uuid, terms: Vec<Term>) -> Self {
        let mut by_id = HashMap::new();
        let mut by_code = HashMap::new();
        for (i, t) in terms.iter().enumerate() {
            by_id.insert(ids::term(tenant_id, t.kind.slug(), &t.code), i);
            by_code.insert((t.kind, t.code.clone()), i);
        }
        Self {
            tenant_id,
            terms,
            by_id,
            by_code,
        }
    }

    /// Every term, in taxonomy order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    pub fn by_id(&self, id: Uuid) -> Option<&Term> {
        self.by_id.get(&id).map(|&i| &self.terms[i])
    }

    pub fn get(&self, kind: Kind, code: &str) -> Option<&Term> {
        self.by_code
            .get(&(kind, code.to_string()))
            .map(|&i| &self.terms[i])
    }

    pub fn term_id(&self, term: &Term) -> Uuid {
        ids::term(self.tenant_id, term.kind.slug(), &term.code)
    }

    pub fn taxonomy_id(&self, kind: Kind) -> Uuid {
        ids::taxonomy(self.tenant_id, kind.slug())
    }

    pub fn kind_of_taxonomy(&self, id: Uuid) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| self.taxonomy_id(*k) == id)
    }

    pub fn taxonomy(&self, kind: Kind) -> Taxonomy {
        Taxonomy {
            id: self.taxonomy_id(kind),
            name: kind.name().into(),
            description: kind.description().into(),
            version: None,
        }
    }

    pub fn term_json(&self, term: &Term, with_taxonomy: bool) -> TaxonomyTerm {
        TaxonomyTerm {
            id: self.term_id(term),
            code: term.code.clone(),
            name: term.name.clone(),
            description: term.description.clone(),
            parent_id: term
                .parent
                .as_ref()
                .map(|p| ids::term(self.tenant_id, Kind::Levensgebied.slug(), p)),
            taxonomy: term.kind.name().into(),
            taxonomy_id: self.taxonomy_id(term.kind),
            taxonomy_detail: with_taxonomy.then(|| self.taxonomy(term.kind)),
            language: "nl",
        }
    }

    /// The attribute that links term `code` of `kind` to an object, or `None` for an unknown code.
    pub fn attribute(
        &self,
        kind: Kind,
        code: &str,
        link_id: Uuid,
        link_entity: &'static str,
        value: Option<String>,
    ) -> Option<Attribute> {
        let term = self.get(kind, code)?;
        let key = format!(
            "attribute/{}/{}/{}",
            kind.slug(),
            code,
            value.as_deref().unwrap_or("")
        );
        Some(Attribute {
            id: ids::part(link_id, &key),
            link_id,
            link_type: kind.link_type(),
            link_entity,
            taxonomy_term_id: self.term_id(term),
            taxonomy_term: self.term_json(term, false),
            value,
        })
    }
}
