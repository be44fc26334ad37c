# statetext.sh - sourced by shell tests that look at a file store's record
# as it is on disk (the file store itself, not the store interface).

# mfa_state_text FILE: the current record of a module state file: of a
# two-slot file (pam_mfa(8) FILES) the text of the slot with the higher
# seq (the older slot's lines must not count), else the file as it is.
mfa_state_text() {
	awk '
	/^pam_mfa-state 2 seq / { seq = $4 + 0; cur = ""; inslot = 1; next }
	inslot && $0 == "" {
		if (!found || seq > best) { best = seq; text = cur; found = 1 }
		inslot = 0; next
	}
	inslot { cur = cur $0 "\n"; next }
	NR == 1 { plain = 1 }
	plain { text = text $0 "\n" }
	END { printf "%s", text }' "$1" 2>/dev/null
}
