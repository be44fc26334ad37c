/* placeholder: replaced by the enrolment issue */
#include <stdio.h>
int main(void) { fputs("mfa-enroll: not yet\n", stderr); return 1; }
