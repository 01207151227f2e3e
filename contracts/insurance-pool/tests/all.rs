//! Insurance pool integration tests on the pool's suite in `ballast-testing` (`pool`). Tests named
//! `bad_NN_*` / `inv_*` check the entry of ../shared/RELIABILITY.md they are named after;
//! every test ends with the conservation check (`Suite::assert_conserved`).

mod admin;
mod adversarial;
mod backstop;
mod cover;
mod deficit;
mod deposit;
mod invariants;
mod revenue;
mod withdraw;
