// Package sde reads SOURCE_DATE_EPOCH, the reproducible-builds standard
// for a fixed build time.
package sde

import (
	"fmt"
	"strconv"
	"time"
)

// Parse returns the time SOURCE_DATE_EPOCH names, nil when it is unset
// (empty), or an error for anything but a non-negative decimal integer.
func Parse(value string) (*time.Time, error) {
	if value == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 0 || n > 1<<32-1 {
		return nil, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a non-negative integer number of seconds that fits an RPM header", value)
	}
	t := time.Unix(n, 0).UTC()
	return &t, nil
}
