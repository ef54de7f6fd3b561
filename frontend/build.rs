//! With the `split` feature, keeps relocations in the linked WASM: wasm-split
//! needs them to move lazily loaded pages into chunks of their own.

fn main() {
    println!("cargo::rerun-if-env-changed=CARGO_FEATURE_SPLIT");
    if std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo::rustc-link-arg=--emit-relocs");
    }
}
