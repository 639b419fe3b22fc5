package rpmdiff

import "github.com/gotc-project/gotc/rpmtag"

// rpm6TagNames names the main header tags rpm 6 added to those rpm 4.18
// knows (tagnames.go), as rpm 6 names them (lowercased); TestRPM6TagNames
// checks them against rpm 6's own --xml output in shared/rpm6.
var rpm6TagNames = map[int]string{
	rpmtag.SigSHA3_256:        "sha3_256header",
	rpmtag.PayloadSize:        "payloadsize",
	rpmtag.PayloadSizeAlt:     "payloadsizealt",
	rpmtag.RPMFormat:          "rpmformat",
	rpmtag.FileMIMEIndex:      "filemimeindex",
	rpmtag.MIMEDict:           "mimedict",
	rpmtag.SourceNEVR:         "sourcenevr",
	rpmtag.PayloadSHA512:      "payloadsha512",
	rpmtag.PayloadSHA512Alt:   "payloadsha512alt",
	rpmtag.PayloadSHA3_256:    "payloadsha3_256",
	rpmtag.PayloadSHA3_256Alt: "payloadsha3_256alt",
}
