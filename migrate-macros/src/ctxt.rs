//! Collecting every error of an expansion, so the user sees all problems at once.

use std::cell::RefCell;
use std::fmt::Display;

use proc_macro2::{Span, TokenStream};

/// The errors of one expansion. [`Ctxt::check`] must be called before it is dropped.
#[derive(Debug, Default)]
pub(crate) struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    pub(crate) fn new() -> Ctxt {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// Records an error at `span`.
    pub(crate) fn error(&self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error of the toolkit at `span`: its message, then its `help:`.
    pub(crate) fn explain(&self, span: Span, e: &(impl migrate_core::Explain + ?Sized)) {
        self.push(crate::error::explained(span, e));
    }

    /// Records an error spanned on the tokens of `tokens`.
    pub(crate) fn error_spanned(&self, tokens: impl quote::ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn push(&self, error: syn::Error) {
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.push(error);
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.errors.borrow().as_ref().is_some_and(|e| !e.is_empty())
    }

    /// Consumes the context: the errors as `compile_error!` invocations, empty when there are none.
    pub(crate) fn check(self) -> TokenStream {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        errors.into_iter().map(|e| e.into_compile_error()).collect()
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            panic!("migrate-macros: an expansion forgot to check its errors");
        }
    }
}
