//! Dividing a pilot's yearly budget over its partners following the distribution of clients
//! (the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018): "de verdeling van middelen laten aansluiten op de verdeling van cliënten"), in
//! whole cents that add up exactly: the largest-remainder method (Hamilton).
//!
//! Every partner first gets `budget × clients ÷ all clients`, rounded down to the cent; the
//! cents that are left go one each to the partners with the largest remainders. Ties are broken
//! by more clients first, then by the order the partners are given in (the page lists them by
//! name), so the same input always gives the same division.

/// The rule as the page shows it next to the proposal.
pub const RULE: &str = "Elke partner krijgt budget × eigen cliënten ÷ alle cliënten, naar beneden \
afgerond op hele centen. De centen die dan overblijven gaan één voor één naar de partners met de \
grootste rest; bij een gelijke rest eerst naar de partner met de meeste cliënten, daarna in \
alfabetische volgorde. Zo telt de verdeling precies op tot het budget.";

/// Why no proposal can be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoProposal {
    /// No partners to divide over.
    NoPartners,
    /// Every partner has zero clients: nothing to follow.
    NoClients,
    /// A negative budget.
    NegativeBudget,
}

impl NoProposal {
    pub fn text(self) -> &'static str {
        match self {
            NoProposal::NoPartners => "Deze pilot heeft nog geen partners.",
            NoProposal::NoClients => {
                "Er zijn nog geen cliënten ingevuld, dus er is geen verdeling voor te stellen."
            }
            NoProposal::NegativeBudget => "Het budget is negatief.",
        }
    }
}

/// The share in cents of each partner, in the order of `clients`, adding up to `budget_cents`.
pub fn largest_remainder(budget_cents: i64, clients: &[u64]) -> Result<Vec<i64>, NoProposal> {
    if budget_cents < 0 {
        return Err(NoProposal::NegativeBudget);
    }
    if clients.is_empty() {
        return Err(NoProposal::NoPartners);
    }
    let total: u128 = clients.iter().map(|&c| c as u128).sum();
    if total == 0 {
        return Err(NoProposal::NoClients);
    }
    let budget = budget_cents as u128;
    let mut shares: Vec<i64> = Vec::with_capacity(clients.len());
    let mut remainders: Vec<(u128, u64, usize)> = Vec::with_capacity(clients.len());
    for (i, &c) in clients.iter().enumerate() {
        let exact = budget * c as u128;
        shares.push((exact / total) as i64);
        remainders.push((exact % total, c, i));
    }
    let handed_out: i64 = shares.iter().sum();
    let left = (budget_cents - handed_out) as usize;
    // Largest remainder first, then most clients, then the given order.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for &(_, _, i) in remainders.iter().take(left) {
        shares[i] += 1;
    }
    Ok(shares)
}

/// A share of a whole in hundredths of a percent (`2500` = 25,00%), rounded half up.
pub fn basis_points(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 || part < 0 {
        return None;
    }
    let scaled = part as i128 * 20_000 / whole as i128;
    Some(((scaled + 1) / 2) as i64)
}

/// `25,00%`; a difference shows its sign (`+1,25` / `-0,50` percentage points).
pub fn percent(bp: i64) -> String {
    format!("{},{:02}%", bp / 100, bp % 100)
}

pub fn points_difference(bp: i64) -> String {
    let sign = if bp > 0 {
        "+"
    } else if bp < 0 {
        "-"
    } else {
        ""
    };
    let abs = bp.abs();
    format!("{sign}{},{:02} procentpunt", abs / 100, abs % 100)
}

/// What an official's adjusted shares leave undivided (positive) or divide too much (negative).
pub fn left_over(budget_cents: i64, shares: &[i64]) -> i64 {
    budget_cents - shares.iter().sum::<i64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_exactly() {
        // Seed 003's 2019 budget over four partners.
        let shares = largest_remainder(50_000_000, &[120, 85, 60, 35]).unwrap();
        assert_eq!(shares.iter().sum::<i64>(), 50_000_000);
        assert_eq!(shares, vec![20_000_000, 14_166_667, 10_000_000, 5_833_333]);
        // Thirds of a cent-odd amount.
        let shares = largest_remainder(100, &[1, 1, 1]).unwrap();
        assert_eq!(shares, vec![34, 33, 33]);
        for budget in [0, 1, 7, 99_999, 63_000_000, 123_456_789] {
            for clients in [vec![3, 5, 7], vec![1, 0, 2, 9, 4], vec![13, 13, 13, 13]] {
                let shares = largest_remainder(budget, &clients).unwrap();
                assert_eq!(shares.iter().sum::<i64>(), budget, "{budget} {clients:?}");
                // Nobody is more than a cent from the exact share.
                let total: i64 = clients.iter().map(|&c| c as i64).sum();
                for (s, &c) in shares.iter().zip(&clients) {
                    let exact = budget as f64 * c as f64 / total as f64;
                    assert!((*s as f64 - exact).abs() < 1.0, "{s} vs {exact}");
                }
            }
        }
    }

    #[test]
    fn ties_are_broken_by_clients_then_order() {
        // Equal remainders: the earlier partner gets the cent, every time.
        assert_eq!(largest_remainder(2, &[1, 1, 1]).unwrap(), vec![1, 1, 0]);
        assert_eq!(largest_remainder(1, &[5, 5]).unwrap(), vec![1, 0]);
        // 10 cents over 2:1:1 → 5, 2.5, 2.5: one cent left, equal remainders, given order.
        assert_eq!(largest_remainder(10, &[2, 1, 1]).unwrap(), vec![5, 3, 2]);
        // 2 cents over 1:3 → 0,5 and 1,5: equal remainders, the partner with more clients wins.
        assert_eq!(largest_remainder(2, &[1, 3]).unwrap(), vec![0, 2]);
        // 5 cents over 1:3:1:3 (remainders 5, 7, 5, 7 of 8): largest first, then given order.
        let shares = largest_remainder(5, &[1, 3, 1, 3]).unwrap();
        assert_eq!(shares, vec![1, 2, 0, 2]);
        // The same input gives the same output.
        assert_eq!(
            largest_remainder(1_000_001, &[7, 11, 13]).unwrap(),
            largest_remainder(1_000_001, &[7, 11, 13]).unwrap()
        );
    }

    #[test]
    fn zero_clients_one_partner_and_nothing() {
        assert_eq!(largest_remainder(500, &[0, 0]), Err(NoProposal::NoClients));
        assert_eq!(largest_remainder(500, &[]), Err(NoProposal::NoPartners));
        assert_eq!(largest_remainder(-1, &[1]), Err(NoProposal::NegativeBudget));
        assert_eq!(
            largest_remainder(63_000_000, &[1]).unwrap(),
            vec![63_000_000]
        );
        // A partner without clients gets nothing; the rest share all.
        assert_eq!(
            largest_remainder(60_000_000, &[0, 40, 20]).unwrap(),
            vec![0, 40_000_000, 20_000_000]
        );
        assert_eq!(largest_remainder(0, &[4, 5]).unwrap(), vec![0, 0]);
        // Large numbers do not overflow.
        let shares = largest_remainder(i64::MAX / 2, &[u32::MAX as u64, 1, 2]).unwrap();
        assert_eq!(shares.iter().sum::<i64>(), i64::MAX / 2);
    }

    #[test]
    fn percentages_and_what_is_left() {
        assert_eq!(basis_points(1, 3), Some(3333));
        assert_eq!(basis_points(2, 3), Some(6667));
        assert_eq!(basis_points(0, 0), None);
        assert_eq!(percent(3333), "33,33%");
        assert_eq!(points_difference(-125), "-1,25 procentpunt");
        assert_eq!(points_difference(40), "+0,40 procentpunt");
        assert_eq!(left_over(100, &[30, 30]), 40);
        assert_eq!(left_over(100, &[80, 30]), -10);
    }
}
