//! Signed values for links that must not be forged or changed (a team
//! invitation: its id and when it expires): `payload.signature`, an
//! HMAC-SHA256 under a key derived from `SESSION_KEY` for one purpose, so
//! every instance sharing the key accepts what another signed.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], purpose: &str) -> HmacSha256 {
    let mut derived = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    derived.update(purpose.as_bytes());
    let purpose_key = derived.finalize().into_bytes();
    HmacSha256::new_from_slice(&purpose_key).expect("HMAC takes any key length")
}

/// `payload` with its signature; the payload must not hold a `.` of its own
/// beyond those the caller reads back (it is returned whole).
pub fn sign(key: &[u8], purpose: &str, payload: &str) -> String {
    let mut m = mac(key, purpose);
    m.update(payload.as_bytes());
    format!("{payload}.{}", hex::encode(m.finalize().into_bytes()))
}

/// The payload of a token this key signed for this purpose (compared in
/// constant time), else None.
pub fn verify(key: &[u8], purpose: &str, token: &str) -> Option<String> {
    let (payload, signature) = token.rsplit_once('.')?;
    let signature = hex::decode(signature).ok()?;
    let mut m = mac(key, purpose);
    m.update(payload.as_bytes());
    m.verify_slice(&signature).ok()?;
    Some(payload.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_was_signed_for_the_purpose_verifies() {
        let key = [7u8; 64];
        let token = sign(&key, "team-invite", "12.1800000000");
        assert_eq!(verify(&key, "team-invite", &token).as_deref(), Some("12.1800000000"));
        assert_eq!(verify(&key, "other", &token), None);
        assert_eq!(verify(&[8u8; 64], "team-invite", &token), None);
        assert_eq!(verify(&key, "team-invite", &token.replace("12.", "13.")), None);
        assert_eq!(verify(&key, "team-invite", "12.1800000000.zz"), None);
        assert_eq!(verify(&key, "team-invite", ""), None);
    }
}
