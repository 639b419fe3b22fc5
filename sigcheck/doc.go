// Package sigcheck verifies the OpenPGP signatures of RPM packages the
// way rpm 6 does, natively: the v4 header signature tags (267 DSA/EdDSA/
// ECDSA, 268 RSA), the v6 OpenPGP tag (278) and the legacy header+payload
// ones, for RSA, DSA, ECDSA and EdDSA keys, against a keyring of public
// keys (armored or binary, as gpg exports them).
//
// The verdicts and their words are rpm's (lib/rpmvs.cc with the legacy
// OpenPGP parser, rpmpgp_legacy): every signature and digest is an Item
// with rpm's verdict — OK, BAD, NOKEY, NOTTRUSTED or NOTFOUND — and the
// line rpm -Kv prints for it; Result.Failed says whether rpm would
// refuse the package at a %_pkgverify_level, and Result.WriteVerbose
// prints what rpm -Kv prints. rpm 6's defaults are modelled: MD5 and
// SHA1 digests are not considered, a v6 package's legacy tags are
// ignored, and v4 signature tags are not looked at when an OpenPGP tag
// holds a signature.
//
// A signature is NOTTRUSTED, as in rpm 6, when it verifies but its key
// was created after the signature's creation time, has expired by then,
// has been revoked, or is a subkey not flagged for signing; and when the
// signature itself has expired. Lint holds rpm's message ("Key
// 46d353ca44bc49a9 (gotc test rsa <test-rsa@example.org>) has been
// created after the signature").
//
// Where rpm's legacy parser and rpm-sequoia (Fedora's OpenPGP backend)
// differ, this package reads v6 signature packets (RFC 9580), which the
// legacy parser refuses, and refuses v3 ones, which only the legacy
// parser reads. Parsing is ParsePacket's; the cryptography is
// github.com/ProtonMail/go-crypto's.
package sigcheck
