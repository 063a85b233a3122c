//! Rebuilds the server when a migration is added: `sqlx::migrate!` embeds the folders at compile
//! time, but on stable Rust cargo cannot see that a new file there changes the binary.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
