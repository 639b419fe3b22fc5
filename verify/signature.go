package verify

import (
	"strings"

	"github.com/gotc-project/gotc/findings"
	"github.com/gotc-project/gotc/rpmread"
	"github.com/gotc-project/gotc/sigcheck"
	"github.com/gotc-project/gotc/toolchain"
)

// CheckSignature is the signature check's id.
const CheckSignature = "signature"

// EnforcesSignatures reports whether rpm on the target refuses unsigned
// packages (%_pkgverify_level all, upstream rpm 6's default): rawhide,
// and Fedora 45 and later, where the change "Enforcing signature
// checking by default" landed. Fedora 43 and 44 ship rpm 6 built with
// Fedora's legacy_verify switch (%_pkgverify_level digest); EPEL's
// releases have rpm 4.14 to 4.19, which only verify signatures that are
// present.
func EnforcesSignatures(t toolchain.Target) bool {
	return t.Distro == "fedora" && (t.Release == 0 || t.Release >= 45)
}

// checkSignature is the signature check, run when a keyring is given or
// a target enforces signatures: every header signature rpm 6 looks at
// (v4 tags 267/268, the v6 OpenPGP tag 278) is verified natively with
// the keyring, and what rpm 6 would not accept is reported in rpm's
// words: no signature, a key not in the keyring (NOKEY), a signature
// that does not verify (BAD), a key revoked, expired or created after
// the signature (NOTTRUSTED).
func (v *verifier) checkSignature(p *pkgInfo, sig, hdr *rpmread.Header) {
	var enforcing []string
	for _, t := range v.opt.Targets {
		if EnforcesSignatures(t) {
			enforcing = append(enforcing, t.Name)
		}
	}
	kr := v.opt.Keyring
	if kr == nil && len(enforcing) == 0 {
		return
	}
	res := sigcheck.CheckHeaders(sig, hdr, sigcheck.Options{Keyring: kr})
	where := strings.Join(enforcing, ", ")
	sigs := res.Signatures()
	if len(sigs) == 0 {
		if where != "" {
			v.add(p, findings.Error, CheckSignature, "", "unsigned: rpm on %s enforces signatures (%%_pkgverify_level all) and refuses it: \"does not verify: no signature\"; sign it (--sign-key)", where)
		} else {
			v.add(p, findings.Error, CheckSignature, "", "unsigned: no OpenPGP header signature (rpm 6 -K: NOTFOUND)")
		}
		return
	}
	for _, s := range sigs {
		line := s.String()
		switch s.Verdict {
		case sigcheck.OK:
		case sigcheck.NoKey:
			if kr == nil {
				v.add(p, findings.Warning, CheckSignature, "", "%s: not checked, no --keyring given; rpm on %s needs key %s imported", line, where, s.KeyID())
			} else {
				v.add(p, findings.Error, CheckSignature, "", "%s: key %s is not in the keyring", line, s.KeyID())
			}
		case sigcheck.NotTrusted:
			v.add(p, findings.Error, CheckSignature, "", "%s: %s", line, s.Lint)
		default:
			v.add(p, findings.Error, CheckSignature, "", "%s", line)
		}
	}
}
