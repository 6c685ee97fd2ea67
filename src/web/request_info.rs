//! What the outer layers (request log, error pages) learn from the inner ones: who the user is.

use std::sync::{Arc, Mutex};

use crate::auth::current_user::CurrentUser;

#[derive(Clone, Default)]
pub struct RequestInfo(Arc<Mutex<Option<CurrentUser>>>);

impl RequestInfo {
    pub fn set_user(&self, user: Option<&CurrentUser>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = user.cloned();
        }
    }

    pub fn user(&self) -> Option<CurrentUser> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }
}
