from umkm.cli import main

main()
