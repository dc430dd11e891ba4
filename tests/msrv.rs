//! `rust-version` in Cargo.toml must be true for the locked dependencies: no
//! package in Cargo.lock may declare a `rust-version` newer than ours.
//! (Std APIs our own code uses are checked by clippy's `incompatible_msrv`.)

use std::process::Command;

/// "1.92", "1.88.0" → (1, 92, 0), (1, 88, 0).
fn parse(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| {
        p.parse::<u64>()
            .unwrap_or_else(|_| panic!("bad rust-version {v:?}"))
    });
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    (major, minor, patch)
}

fn cargo(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo")
}

fn host() -> String {
    let o = cargo(&["-vV"]);
    assert!(o.status.success(), "cargo -vV failed");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("host line in cargo -vV")
        .to_string()
}

/// The metadata of every locked package. Offline, cargo can only read the
/// manifests it has downloaded: `cargo test` fetches the packages of the host
/// platform only, so when the others (Windows, wasm) are missing, fall back to
/// the packages the host build uses.
fn metadata() -> serde_json::Value {
    let base = ["metadata", "--format-version", "1", "--locked", "--offline"];
    let mut o = cargo(&base);
    if !o.status.success() {
        let host = host();
        eprintln!(
            "cargo metadata (all platforms) failed offline; checking the packages for {host}:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut args = base.to_vec();
        args.extend(["--filter-platform", &host]);
        o = cargo(&args);
    }
    assert!(
        o.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("cargo metadata JSON")
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_rust_version() {
    let meta = metadata();
    let ours: Vec<&str> = meta["workspace_members"]
        .as_array()
        .expect("workspace_members")
        .iter()
        .filter_map(|id| id.as_str())
        .collect();
    let packages = meta["packages"].as_array().expect("packages");
    let own = packages
        .iter()
        .find(|p| p["name"] == env!("CARGO_PKG_NAME") && ours.contains(&p["id"].as_str().unwrap()))
        .expect("our own package in cargo metadata");
    let own_version = own["rust_version"]
        .as_str()
        .expect("Cargo.toml must set rust-version");
    let msrv = parse(own_version);

    let mut offenders: Vec<String> = packages
        .iter()
        .filter(|p| !ours.contains(&p["id"].as_str().unwrap()))
        .filter_map(|p| {
            let rv = p["rust_version"].as_str()?;
            let field = |k: &str| p[k].as_str().unwrap_or("?").to_string();
            (parse(rv) > msrv).then(|| format!("{} {} needs {rv}", field("name"), field("version")))
        })
        .collect();
    offenders.sort();
    assert!(
        offenders.is_empty(),
        "rust-version = \"{own_version}\" in Cargo.toml, but these locked dependencies \
         declare a newer rust-version (raise rust-version or pin older versions):\n{}",
        offenders.join("\n")
    );
}
