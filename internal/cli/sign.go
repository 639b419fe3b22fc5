package cli

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/signing"
)

// SignFlags are the --sign-key and --sign-passphrase-file flags.
type SignFlags struct {
	// Key is the OpenPGP secret key file.
	Key string
	// PassphraseFile holds the key's passphrase (its first line).
	PassphraseFile string
}

// AddFlags registers the flags on fs.
func (s *SignFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&s.Key, "sign-key", "", "sign with the OpenPGP secret key in `FILE` (armored or binary, as gpg --export-secret-keys writes it)")
	fs.StringVar(&s.PassphraseFile, "sign-passphrase-file", "", "the first line of `FILE` is the signing key's passphrase")
}

// Validate checks the flags need no file access to refuse.
func (s *SignFlags) Validate() error {
	if s.Key == "" && s.PassphraseFile != "" {
		return Usage("--sign-passphrase-file needs --sign-key")
	}
	return nil
}

// Signer loads the key; nil when no --sign-key was given. Problems with
// the key are usage errors (exit 2).
func (s *SignFlags) Signer() (*signing.Signer, error) {
	if s.Key == "" {
		return nil, nil
	}
	var pass []byte
	if s.PassphraseFile != "" {
		b, err := os.ReadFile(s.PassphraseFile)
		if err != nil {
			return nil, Usage("--sign-passphrase-file: %v", err)
		}
		pass, _, _ = bytes.Cut(b, []byte("\n"))
	}
	signer, err := signing.LoadKey(s.Key, pass)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return signer, nil
}

// SignAt returns a header signing function that signs with signer at
// time at, or nil for no signer.
func SignAt(signer *signing.Signer, at time.Time) func([]byte) (uint32, []byte, error) {
	if signer == nil {
		return nil
	}
	return func(header []byte) (uint32, []byte, error) {
		tag, sig, err := signer.Sign(header, at)
		if err != nil {
			return 0, nil, fmt.Errorf("signing with key %s: %w", signer.KeyID(), err)
		}
		return tag, sig, nil
	}
}
