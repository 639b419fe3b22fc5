package fileclass

import (
	"bytes"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// elfInfo is libmagic's verdict on an ELF file and rpmfc's colour.
type elfInfo struct {
	desc, mime string
	color      uint32
}

// elfMachines names the machines as libmagic's elf magic does.
var elfMachines = map[elf.Machine]string{
	elf.EM_386: "Intel 80386", elf.EM_X86_64: "x86-64", elf.EM_ARM: "ARM", elf.EM_AARCH64: "ARM aarch64",
	elf.EM_PPC: "PowerPC or cisco 4500", elf.EM_PPC64: "64-bit PowerPC or cisco 7500", elf.EM_S390: "IBM S/390",
	elf.EM_MIPS: "MIPS", elf.EM_SPARC: "SPARC", elf.EM_SPARCV9: "SPARC V9", elf.EM_RISCV: "UCB RISC-V",
	elf.EM_LOONGARCH: "LoongArch", elf.EM_BPF: "eBPF", elf.EM_IA_64: "IA-64", elf.EM_ALPHA: "Alpha",
}

var elfOSABI = map[elf.OSABI]string{
	elf.ELFOSABI_NONE: "SYSV", elf.ELFOSABI_LINUX: "GNU/Linux", elf.ELFOSABI_FREEBSD: "FreeBSD",
	elf.ELFOSABI_NETBSD: "NetBSD", elf.ELFOSABI_OPENBSD: "OpenBSD", elf.ELFOSABI_SOLARIS: "Solaris",
	elf.ELFOSABI_ARM: "ARM", elf.ELFOSABI_STANDALONE: "embedded",
}

var mipsArch = []string{"MIPS-I", "MIPS-II", "MIPS-III", "MIPS-IV", "MIPS-V", "MIPS32", "MIPS64",
	"MIPS32 rel2", "MIPS64 rel2", "MIPS32 rel6", "MIPS64 rel6"}

// machineDesc is libmagic's ", machine[, flags]" and the separator
// before "version".
func machineDesc(f *elf.File, flags uint32) (string, string) {
	name, ok := elfMachines[f.Machine]
	if !ok {
		name = fmt.Sprintf("*unknown arch %#x*", uint16(f.Machine))
	}
	switch f.Machine {
	case elf.EM_ARM:
		if v := flags >> 24; v != 0 {
			return fmt.Sprintf("%s, EABI%d", name, v), " "
		}
	case elf.EM_MIPS:
		if a := int(flags >> 28); a < len(mipsArch) {
			return name + ", " + mipsArch[a], " "
		}
	case elf.EM_PPC64:
		abi := [...]string{"Unspecified or Power ELF V1 ABI", "Power ELF V1 ABI", "OpenPOWER ELF V2 ABI", "Unknown ELF ABI"}[flags&3]
		return name + ", " + abi, ", "
	case elf.EM_RISCV:
		s := name
		if flags&1 != 0 {
			s += ", RVC"
		}
		s += ", " + [...]string{"soft-float", "single-float", "double-float", "quad-float"}[(flags>>1)&3] + " ABI"
		return s, ", "
	case elf.EM_SPARCV9:
		return name + ", " + [...]string{"total store ordering", "partial store ordering", "relaxed memory ordering", "unknown memory ordering"}[flags&3], ", "
	}
	return name, ", "
}

// describeELF reproduces libmagic's description and MIME type of an ELF
// file, and rpmfc's colour for it.
func describeELF(r io.ReaderAt, size int64) (elfInfo, error) {
	f, err := elf.NewFile(io.NewSectionReader(r, 0, size))
	if err != nil {
		return elfInfo{}, err
	}
	defer f.Close()
	var info elfInfo
	switch f.Class {
	case elf.ELFCLASS64:
		info.color = 2
	case elf.ELFCLASS32:
		info.color = 1
	}
	if f.Machine == elf.EM_BPF {
		info.color = 0
	}
	var flags uint32
	var ident [elf.EI_NIDENT]byte
	if _, err := r.ReadAt(ident[:], 0); err != nil {
		return elfInfo{}, err
	}
	flagsOff := int64(36) // e_flags in a 32-bit header
	if f.Class == elf.ELFCLASS64 {
		flagsOff = 48
	}
	var fb [4]byte
	if _, err := r.ReadAt(fb[:], flagsOff); err == nil {
		flags = f.ByteOrder.Uint32(fb[:])
	}

	pie := false
	var dynamic, interp bool
	interpreter := ""
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_DYNAMIC:
			dynamic = true
		case elf.PT_INTERP:
			interp = true
			b, _ := io.ReadAll(io.LimitReader(p.Open(), 4096))
			interpreter = string(bytes.TrimRight(b, "\x00"))
		}
	}
	if f.Type == elf.ET_DYN && dynamic {
		if v, err := f.DynValue(elf.DT_FLAGS_1); err == nil && len(v) > 0 && v[0]&uint64(elf.DF_1_PIE) != 0 {
			pie = true
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "ELF %d-bit %s ", map[elf.Class]int{elf.ELFCLASS32: 32, elf.ELFCLASS64: 64}[f.Class],
		map[elf.Data]string{elf.ELFDATA2LSB: "LSB", elf.ELFDATA2MSB: "MSB"}[f.Data])
	switch f.Type {
	case elf.ET_REL:
		b.WriteString("relocatable")
		info.mime = "application/x-object"
	case elf.ET_EXEC:
		b.WriteString("executable")
		info.mime = "application/x-executable"
	case elf.ET_DYN:
		if pie {
			b.WriteString("pie executable")
			info.mime = "application/x-pie-executable"
		} else {
			b.WriteString("shared object")
			info.mime = "application/x-sharedlib"
		}
	case elf.ET_CORE:
		b.WriteString("core file")
		info.mime = "application/x-coredump"
	default:
		fmt.Fprintf(&b, "*unknown* (%#x)", uint16(f.Type))
		info.mime = "application/octet-stream"
	}
	mach, sep := machineDesc(f, flags)
	b.WriteString(", " + mach + sep)
	fmt.Fprintf(&b, "version %d", ident[elf.EI_VERSION])
	if os, ok := elfOSABI[f.OSABI]; ok {
		b.WriteString(" (" + os + ")")
	}
	if f.Type == elf.ET_CORE {
		info.desc = b.String()
		return info, nil
	}
	seen := map[string]bool{} // note kinds described
	if f.Type == elf.ET_EXEC || f.Type == elf.ET_DYN {
		switch {
		case dynamic || interp:
			b.WriteString(", dynamically linked")
		default:
			b.WriteString(", statically linked")
		}
		if interp {
			if interpreter == "" {
				interpreter = "*empty*"
			}
			b.WriteString(", interpreter " + interpreter)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_NOTE {
				n, _ := io.ReadAll(io.LimitReader(p.Open(), 1<<16))
				b.WriteString(describeNotes(n, f.ByteOrder, seen))
			}
		}
	}
	// Then the notes of note sections not already seen in a segment.
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOTE {
			n, _ := io.ReadAll(io.LimitReader(s.Open(), 1<<16))
			b.WriteString(describeNotes(n, f.ByteOrder, seen))
		}
	}
	debugInfo, symtab := false, false
	for _, s := range f.Sections {
		switch {
		case s.Type == elf.SHT_SYMTAB:
			symtab = true
		case s.Name == ".debug_info":
			debugInfo = true
		}
	}
	if debugInfo {
		b.WriteString(", with debug_info")
	}
	if symtab {
		b.WriteString(", not stripped")
	} else {
		b.WriteString(", stripped")
	}
	info.desc = b.String()
	return info, nil
}

// byteOrder is the part of binary.ByteOrder describeNotes needs.
type byteOrder interface{ Uint32([]byte) uint32 }

// describeNotes renders the ELF notes libmagic reports: the GNU build
// ID, the GNU ABI tag and the Go build ID, in their order, each kind
// once (seen records the kinds described).
func describeNotes(b []byte, bo byteOrder, seen map[string]bool) string {
	var out strings.Builder
	align := func(n uint32) uint32 { return (n + 3) &^ 3 }
	for len(b) >= 12 {
		namesz, descsz, typ := bo.Uint32(b), bo.Uint32(b[4:]), bo.Uint32(b[8:])
		nameEnd := 12 + uint64(align(namesz))
		end := nameEnd + uint64(align(descsz))
		if end > uint64(len(b)) || nameEnd+uint64(descsz) > uint64(len(b)) {
			break
		}
		name := string(bytes.TrimRight(b[12:12+namesz], "\x00"))
		desc := b[nameEnd : nameEnd+uint64(descsz)]
		kind := fmt.Sprintf("%s/%d", name, typ)
		if seen[kind] {
			b = b[end:]
			continue
		}
		seen[kind] = true
		switch {
		case name == "GNU" && typ == 3:
			kind := map[int]string{8: "xxHash", 16: "md5/uuid", 20: "sha1"}[len(desc)]
			if kind == "" {
				kind = "???"
			}
			fmt.Fprintf(&out, ", BuildID[%s]=%s", kind, hex.EncodeToString(desc))
		case name == "GNU" && typ == 1 && len(desc) >= 16:
			osName := map[uint32]string{0: "GNU/Linux", 1: "GNU/Hurd", 2: "Solaris", 3: "kFreeBSD", 4: "kNetBSD"}[bo.Uint32(desc)]
			if osName != "" {
				fmt.Fprintf(&out, ", for %s %d.%d.%d", osName, bo.Uint32(desc[4:]), bo.Uint32(desc[8:]), bo.Uint32(desc[12:]))
			}
		case name == "Go" && typ == 4:
			fmt.Fprintf(&out, ", Go BuildID=%s", desc)
		}
		b = b[end:]
	}
	return out.String()
}
