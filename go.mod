module github.com/gotc-project/gotc

go 1.26.0

require (
	github.com/ProtonMail/go-crypto v1.5.2
	github.com/cavaliergopher/rpm v1.3.0
	github.com/google/rpmpack v0.7.1
	github.com/klauspost/compress v1.20.4
	github.com/klauspost/pgzip v1.2.6
	github.com/spf13/pflag v1.1.0
	github.com/ulikunitz/xz v0.5.12
	golang.org/x/tools v0.52.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/cavaliergopher/cpio v1.0.1 // indirect
	github.com/cloudflare/circl v1.6.3 // indirect
	golang.org/x/crypto v0.41.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
