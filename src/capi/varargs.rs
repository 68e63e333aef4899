//! Exported names for the C functions in `varargs.c` (variadic and va_list
//! functions, which stable Rust cannot define). Each export is a naked Rust
//! function that only jumps to the C implementation, leaving every register
//! and the stack as the caller set them, so the C function sees the original
//! arguments. Their prototypes are declared by hand in the header templates.

macro_rules! trampoline {
    ($($name:ident => $target:ident;)*) => {
        unsafe extern "C" {
            $(fn $target();)*
        }
        $(
            #[no_mangle]
            #[unsafe(naked)]
            pub unsafe extern "C" fn $name() {
                core::arch::naked_asm!("jmp {}", sym $target)
            }
        )*
    };
}

trampoline! {
    evutil_snprintf => event_rs_impl_evutil_snprintf;
    evutil_vsnprintf => event_rs_impl_evutil_vsnprintf;
    evbuffer_add_printf => event_rs_impl_evbuffer_add_printf;
    evbuffer_add_vprintf => event_rs_impl_evbuffer_add_vprintf;
}
