module gotc

go 1.26

require (
	github.com/cavaliergopher/cpio v1.0.1 // indirect
	github.com/cavaliergopher/rpm v1.3.0 // indirect
	github.com/google/rpmpack v0.7.1 // indirect
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/klauspost/pgzip v1.2.6 // indirect
	github.com/spf13/pflag v1.1.0 // indirect
	github.com/ulikunitz/xz v0.5.12 // indirect
	golang.org/x/crypto v0.6.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
