//! Compiler warnings from a proc macro.
//!
//! Stable Rust has no warning API for proc macros, so a warning is the use of a deprecated
//! constant whose deprecation note is the message: the compiler prints it as a `deprecated`
//! warning at the macro call (the technique of the `proc-macro-warning` crate).
//! `#[allow(deprecated)]` on the calling item silences it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

/// `{ #[deprecated(note = "...")] const W: () = (); let _ = W; }`: a warning at `span`, as a
/// block (a statement of an expression's block). `n` and `prefix` name the constant, which the
/// compiler's message shows.
pub(crate) fn deprecated(n: usize, note: &str, span: Span, prefix: &str) -> TokenStream {
    let name = format_ident!("{}_{}", prefix, n, span = span);
    quote_spanned!(span=> {
        #[deprecated(note = #note)]
        #[allow(non_upper_case_globals)]
        const #name: () = ();
        let _ = #name;
    })
}

/// [`deprecated`] where items go: `const _: () = { ... };`.
pub(crate) fn deprecated_item(n: usize, note: &str, span: Span, prefix: &str) -> TokenStream {
    let block = deprecated(n, note, span, prefix);
    quote!(const _: () = #block;)
}
