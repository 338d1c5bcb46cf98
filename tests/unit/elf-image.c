/* A tiny enclave image for test-elf-layout: built with -shared -nostdlib, so its PT_LOAD
   segments are code (R X), read-only data (R) and data + bss (RW, p_memsz > p_filesz). */
int counter = 7;
static const char message[] = "measured by test-elf-layout";
int zeroed[3000];

void
enclave_entry (void)
{
  counter += message[0] + zeroed[5];
  for (;;)
    ;
}
