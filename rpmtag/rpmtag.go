// Package rpmtag names the RPM header tags, data types, file flags and
// dependency sense bits that gotc's writer and reader share.
//
// The numbers are those of rpm's include/rpm/rpmtag.h, rpmfiles.h and
// rpmds.h. Both rpmwrite and rpmread use this package so the two never
// disagree about what a number means.
package rpmtag

// Header data types (rpmTagType).
const (
	TypeNull        = 0
	TypeChar        = 1
	TypeInt8        = 2
	TypeInt16       = 3
	TypeInt32       = 4
	TypeInt64       = 5
	TypeString      = 6
	TypeBin         = 7
	TypeStringArray = 8
	TypeI18NString  = 9
)

// Region tags that open a header's immutable region.
const (
	HeaderSignatures = 62
	HeaderImmutable  = 63
	HeaderI18NTable  = 100
)

// Signature header tags.
const (
	SigSize        = 1000 // header+payload size
	SigPGP         = 1002
	SigMD5         = 1004
	SigGPG         = 1005
	SigPayloadSize = 1007 // uncompressed payload (cpio) size
	SigSHA1        = 269  // RPMTAG_SHA1HEADER as used in the signature header
	SigDSA         = 267
	SigRSA         = 268
	SigSHA256      = 273
	SigLongSize    = 270
	SigLongArchive = 271
	SigOpenPGP     = 278
)

// Main header tags.
const (
	Name              = 1000
	Version           = 1001
	Release           = 1002
	Epoch             = 1003
	Summary           = 1004
	Description       = 1005
	BuildTime         = 1006
	BuildHost         = 1007
	Size              = 1009
	Distribution      = 1010
	Vendor            = 1011
	License           = 1014
	Packager          = 1015
	Group             = 1016
	Changelog         = 1017
	Source            = 1018
	URL               = 1020
	OS                = 1021
	Arch              = 1022
	PreIn             = 1023
	PostIn            = 1024
	PreUn             = 1025
	PostUn            = 1026
	FileSizes         = 1028
	FileModes         = 1030
	FileRDevs         = 1033
	FileMTimes        = 1034
	FileDigests       = 1035 // FILEMD5S historically
	FileLinkTos       = 1036
	FileFlags         = 1037
	FileUserName      = 1039
	FileGroupName     = 1040
	SourceRPM         = 1044
	FileVerifyFlags   = 1045
	ProvideName       = 1047
	RequireFlags      = 1048
	RequireName       = 1049
	RequireVersion    = 1050
	ConflictFlags     = 1053
	ConflictName      = 1054
	ConflictVersion   = 1055
	ExclusiveArch     = 1061
	RPMVersion        = 1064
	ChangelogTime     = 1080
	ChangelogName     = 1081
	ChangelogText     = 1082
	PreInProg         = 1085
	PostInProg        = 1086
	PreUnProg         = 1087
	PostUnProg        = 1088
	ObsoleteName      = 1090
	Cookie            = 1094
	FileDevices       = 1095
	FileINodes        = 1096
	FileLangs         = 1097
	Prefixes          = 1098
	SourcePackage     = 1106
	ProvideFlags      = 1112
	ProvideVersion    = 1113
	ObsoleteFlags     = 1114
	ObsoleteVersion   = 1115
	DirIndexes        = 1116
	BaseNames         = 1117
	DirNames          = 1118
	OptFlags          = 1122
	PayloadFormat     = 1124
	PayloadCompressor = 1125
	PayloadFlags      = 1126
	Platform          = 1132
	PreTrans          = 1151
	PostTrans         = 1152
	PreTransProg      = 1153
	PostTransProg     = 1154
	FileColors        = 1140
	FileClass         = 1141
	ClassDict         = 1142
	FileDependsX      = 1143
	FileDependsN      = 1144
	DependsDict       = 1145
	SourcePkgID       = 1146
	FileDigestAlgo    = 5011
	Encoding          = 5062
	PayloadDigest     = 5092
	PayloadDigestAlgo = 5093
	PayloadDigestAlt  = 5097
	RPMFormat         = 5114
	LongFileSizes     = 5008
	LongSize          = 5009
)

// File flags (rpmfileAttrs), the FILEFLAGS bits.
const (
	FileConfig    = 1 << 0
	FileDoc       = 1 << 1
	FileIcon      = 1 << 2
	FileMissingOK = 1 << 3
	FileNoReplace = 1 << 4
	FileSpecfile  = 1 << 5
	FileGhost     = 1 << 6
	FileLicense   = 1 << 7
	FileReadme    = 1 << 8
	FileArtifact  = 1 << 12
)

// Dependency sense bits (rpmsenseFlags).
const (
	SenseAny          = 0
	SenseLess         = 1 << 1
	SenseGreater      = 1 << 2
	SenseEqual        = 1 << 3
	SensePosttrans    = 1 << 5
	SensePrereq       = 1 << 6
	SensePretrans     = 1 << 7
	SenseInterp       = 1 << 8
	SenseScriptPre    = 1 << 9
	SenseScriptPost   = 1 << 10
	SenseScriptPreun  = 1 << 11
	SenseScriptPostun = 1 << 12
	SenseScriptVerify = 1 << 13
	SenseFindRequires = 1 << 14
	SenseFindProvides = 1 << 15
	SenseRPMLib       = 1 << 24
	SenseConfig       = 1 << 28
	SenseMissingOK    = 1 << 19
	SenseCompareMask  = SenseLess | SenseGreater | SenseEqual
	SenseScriptMask   = SenseScriptPre | SenseScriptPost | SenseScriptPreun | SenseScriptPostun | SenseScriptVerify
)

// Digest algorithms (PGP hash algorithm numbers) used by FILEDIGESTALGO and
// PAYLOADDIGESTALGO.
const (
	HashAlgoSHA256    = 8
	HashAlgoMD5       = 1
	HashAlgoSHA1      = 2
	HashAlgoSHA512    = 10
	HashAlgoSHA384    = 9
	HashAlgoSHA224    = 11
	HashAlgoRIPEMD160 = 3
	HashAlgoMD2       = 5
	HashAlgoTIGER192  = 6
	HashAlgoHAVAL5160 = 7
)

// Framing constants of the RPM file format.
const (
	HeaderMagic     = "\x8e\xad\xe8\x01"
	LeadMagic       = "\xed\xab\xee\xdb"
	LeadSize        = 96
	HeaderEntrySize = 16
)

// More main header tags (added for rpmread).
const (
	OldFileNames      = 1027 // full paths, before CompressedFileNames
	VerifyScript      = 1079
	VerifyScriptProg  = 1091
	FileCaps          = 5010
	BugURL            = 5012
	RecommendName     = 5046
	RecommendVersion  = 5047
	RecommendFlags    = 5048
	SuggestName       = 5049
	SuggestVersion    = 5050
	SuggestFlags      = 5051
	SupplementName    = 5052
	SupplementVersion = 5053
	SupplementFlags   = 5054
	EnhanceName       = 5055
	EnhanceVersion    = 5056
	EnhanceFlags      = 5057
)

// More file flags (rpmfileAttrs).
const (
	FileExclude   = 1 << 9
	FileUnpatched = 1 << 10
	FilePubKey    = 1 << 11
)

// More dependency sense bits (rpmsenseFlags).
const (
	SenseTriggerIn     = 1 << 16
	SenseTriggerUn     = 1 << 17
	SenseTriggerPostun = 1 << 18
	SensePreUntrans    = 1 << 20
	SensePostUntrans   = 1 << 21
	SenseTriggerPrein  = 1 << 25
	SenseKeyring       = 1 << 26
	SenseMeta          = 1 << 29
)

// Signature header tag added for rpmwrite.
const (
	SigReservedSpace = 1008 // zero bytes kept free for a later rpmsign
)

// File verification bits (rpmVerifyAttrs), the FILEVERIFYFLAGS bits.
const (
	VerifyDigest   = 1 << 0
	VerifyFileSize = 1 << 1
	VerifyLinkTo   = 1 << 2
	VerifyUser     = 1 << 3
	VerifyGroup    = 1 << 4
	VerifyMTime    = 1 << 5
	VerifyMode     = 1 << 6
	VerifyRDev     = 1 << 7
	VerifyCaps     = 1 << 8
	VerifyAll      = 0xffffffff
)

// Tags of the v6 package format (rpm 6.0, docs/manual/format_v6.md; the
// numbers are those of rpm's rpmtag.h, which wins where the document
// differs).
const (
	// Signature header.
	SigSHA3256  = 279 // SHA3-256 of the main header
	SigReserved = 999 // v6's zero bytes kept free for a later rpmsign

	// Main header.
	PayloadSize       = 5112 // compressed payload bytes (INT64)
	PayloadSizeAlt    = 5113 // uncompressed payload bytes (INT64)
	FileMIMEIndex     = 5115
	MIMEDict          = 5116
	SourceNEVR        = 5120
	PayloadSHA512     = 5121
	PayloadSHA512Alt  = 5122
	PayloadSHA3256    = 5123
	PayloadSHA3256Alt = 5124
)
