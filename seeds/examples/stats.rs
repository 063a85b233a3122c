//! Prints the demo organisation's size and planted truths.
fn main() {
    let t = std::time::Instant::now();
    let org = agentmeter_seeds::DemoOrg::generate();
    println!("generated in {:?}: {} sessions, {} requests, {} PRs", t.elapsed(), org.sessions.len(), org.request_count(), org.pull_requests.len());
    println!("{:#?}", org.truths);
    for l in [(8, 4), (12, 4), (8, 2), (6, 4), (12, 6)] {
        println!("lift {l:?}: {:.2}", agentmeter_seeds::measure::merged_pr_lift_pct(&org.sessions, &org.pull_requests, l.0, l.1));
    }
    let prices = agentmeter_ingest::pricing::PriceTable::builtin();
    let mut by_persona = std::collections::BTreeMap::new();
    for s in &org.sessions {
        let d = &agentmeter_seeds::org::DEVELOPERS[s.developer];
        let e = by_persona.entry(format!("{:?}", d.persona)).or_insert((0.0, 0usize));
        e.0 += s.requests.iter().map(|r| agentmeter_seeds::model::request_cost(&prices, s.tool, r)).sum::<f64>();
        e.1 += s.requests.len();
    }
    println!("{by_persona:?}");
    let dir = tempfile::tempdir().expect("tmp");
    let t = std::time::Instant::now();
    for i in 0..30 { agentmeter_seeds::logs::write_developer_logs(&org.sessions, i, &dir.path().join(i.to_string())).expect("write"); }
    println!("written in {:?}", t.elapsed());
    let _ = std::process::Command::new("du").arg("-sh").arg(dir.path()).status();
    let deliveries = agentmeter_seeds::github::deliveries(&org.pull_requests);
    println!("{} deliveries, {} bytes", deliveries.len(), deliveries.iter().map(|d| d.body.len()).sum::<usize>());
}

#[allow(dead_code)]
fn unused() {}
