//! Header generation. Each public header `include/<path>` is the template
//! `src/capi/headers/<path>.in` (types, macros: kept by hand) with every
//! line `/* @cbindgen MODULE */` replaced by the prototypes cbindgen finds
//! in `src/capi/MODULE.rs`. Runs only when EVENT_RS_GEN_HEADERS names an
//! output directory (`make headers`, `make check-headers`), so ordinary
//! builds and crate users never pay for it.

use std::fs;
use std::path::{Path, PathBuf};

const MARKER: &str = "/* @cbindgen ";

fn main() {
    // The C library's SONAME: what shims and programs record as DT_NEEDED.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libevent_rs.so");
    println!("cargo:rerun-if-changed=src/capi/varargs.c");
    println!("cargo:rerun-if-changed=src/capi/logv.c");
    cc::Build::new()
        .file("src/capi/varargs.c")
        .file("src/capi/logv.c")
        .warnings(true)
        .compile("event_rs_varargs");
    #[cfg(feature = "layout-check")]
    system_layouts();
    println!("cargo:rerun-if-env-changed=EVENT_RS_GEN_HEADERS");
    let Some(out) = std::env::var_os("EVENT_RS_GEN_HEADERS") else { return };
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-changed=src/capi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let templates = root.join("src/capi/headers");
    let mut files = Vec::new();
    walk(&templates, &mut files);
    for tpl in files {
        let rel = tpl.strip_prefix(&templates).expect("under templates");
        let rel = rel.with_extension(""); // drop ".in"
        let text = fs::read_to_string(&tpl).expect("template readable");
        let mut result = String::new();
        for line in text.lines() {
            match line.trim().strip_prefix(MARKER).and_then(|r| r.strip_suffix("*/")) {
                Some(module) => result += &prototypes(&root, &config, module.trim()),
                None => {
                    result += line;
                    result.push('\n');
                }
            }
        }
        let dest = Path::new(&out).join(rel);
        fs::create_dir_all(dest.parent().expect("has parent")).expect("create dir");
        fs::write(&dest, result).expect("write header");
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.map(|e| e.expect("dir entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "in") {
            out.push(p);
        }
    }
}

/// The prototypes of `src/capi/<module>.rs`, or nothing if it does not exist yet.
fn prototypes(root: &Path, config: &cbindgen::Config, module: &str) -> String {
    let src = root.join("src/capi").join(format!("{module}.rs"));
    if !src.exists() {
        return String::new();
    }
    let bindings = cbindgen::Builder::new()
        .with_config(config.clone())
        .with_src(&src)
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen on {}: {e}", src.display()));
    let mut buf = Vec::new();
    bindings.write(&mut buf);
    let text = String::from_utf8(buf).expect("utf-8");
    let trimmed = text.trim_matches('\n');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

/// Bindings of the system libevent's public structs (Debian's libevent-dev),
/// for the layout tests in src/layout_check.rs.
#[cfg(feature = "layout-check")]
fn system_layouts() {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    bindgen::Builder::default()
        .header_contents(
            "libevent_layout.h",
            "#include <event2/event.h>\n#include <event2/event_struct.h>\n#include <event2/thread.h>\n\
             #include <event2/buffer.h>\n#include <event2/bufferevent.h>\n#include <event2/bufferevent_struct.h>\n\
             #include <event2/http.h>\n#include <event2/http_struct.h>\n\
             #include <event2/util.h>\n",
        )
        .clang_arg("-I/usr/include")
        .allowlist_type("event|event_callback|evthread_lock_callbacks|evthread_condition_callbacks")
        .allowlist_type("evbuffer_iovec|evbuffer_ptr|evbuffer_cb_info|bufferevent|evkeyval|evkeyvalq")
        .allowlist_type("evhttp_request|evutil_addrinfo")
        .layout_tests(true)
        .generate()
        .expect("bindgen over the system libevent headers (apt-get install libevent-dev libclang-dev)")
        .write_to_file(out.join("libevent_layout.rs"))
        .expect("write bindings");
}
