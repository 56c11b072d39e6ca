# The wasm exception tag that longjmp throws and setjmp's landing pads catch.
	.tagtype __c_longjmp i32
	.globl __c_longjmp
__c_longjmp:
