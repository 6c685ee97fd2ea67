//! The errors of a form's fields, each a Dutch sentence shown beside its field: what checking
//! input gives back, whatever layer checks it.

use std::borrow::Cow;

/// Field errors of a form, in the order the fields appear.
#[derive(Debug, Default, Clone)]
pub struct FormErrors(Vec<(Cow<'static, str>, String)>);

impl FormErrors {
    /// Adds the first message of `field` (a fixed name, or one made per row of a form).
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps the errors of the fields for which `keep` holds.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.0.retain(|(field, _)| keep(field));
    }

    pub fn items(&self) -> &[(Cow<'static, str>, String)] {
        &self.0
    }
}
