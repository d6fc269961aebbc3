"""More product families of the benchmark catalog: safety, packaging, office, tools, HVAC,
maintenance and apparel (the language is described in ``matching_vocab``)."""

from __future__ import annotations

SAFETY = """
family NG | Nitrile Exam Glove; nitrile gloves; exam glove nitrile; disp nitrile glove | {thick} \
{colour} \
[Powder-Free] {size} {pack} | BX 100 11.0 | model+ean
  thick: u mil 3 4 5 6 8
  colour: w Blue|Black|Purple|Orange
  size: w Small@S|Medium@M|Large@L|X-Large@XL|2X-Large@2XL|3X-Large@3XL|4X-Large@4XL
  pack: pack BX 50 100
family WG | Work Glove; gloves; work gloves | {brand} {type} {size} {cuff} {pack} | PK 1 3.2 | \
model+ean
  brand: w GripMaster|Handguard|Duraflex
  type: w PU Coated Nylon@PU=pu coated,pu palm|Nitrile Foam Coated@NF=foam nitrile,nitrile coated|\
Cut-Resistant A4\
@A4=ansi a4 cut,cut level a4|Leather Driver@LD=leather|Cotton Jersey@CJ=jersey
  size: w X-Small@XS|Small@S|Medium@M|Large@L|X-Large@XL|2X-Large@2XL|3X-Large@3XL
  cuff: w Knit Wrist@KW=knit cuff|Safety Cuff@SC
  pack: pack PK 1 12
family SG | Safety Glasses; safety glass; safety eyewear | {lens} {frame} {coating} | BX 12 30.0 | model
  lens: w Clear|Gray=smoke|Amber|Indoor/Outdoor Mirror@IO=i/o mirror|Blue Mirror
  frame: w Black|Blue|Clear|Red
  coating: w Anti-Fog=af,antifog|Hard Coat=hc,scratch resistant
family VST | Hi-Vis Safety Vest; safety vest; hi vis vest; reflective vest | {class} {colour} {size} \
{closure} {style} | EA 1 9.5 | model
  class: w ANSI Class 2@C2=class 2|ANSI Class 3@C3=class 3
  colour: w Lime=yellow/green,hi-vis yellow|Orange
  size: w S/M@SM|L/XL@LXL|2XL/3XL@23XL|4XL/5XL@45XL
  closure: w Zipper@Z=zip|Hook and Loop@HL=velcro
  style: w Mesh|Solid
family HH | Hard Hat; hardhat; safety helmet | {style} {suspension} {colour} {vent} | EA 1 14.0 | \
model
  style: w Cap Style@CS=cap|Full Brim@FB=full brim
  suspension: w 4-Point Ratchet@4R=4 pt ratchet|6-Point Ratchet@6R=6 pt ratchet
  colour: w White|Yellow|Orange|Blue|Red|Green|Black|Gray
  vent: w Vented|Non-Vented@NV=non vented
family EP | Earplugs; ear plugs; foam earplug | {type} {nrr} {pack} | BX 100 28.0 | alnum
  type: w Foam Corded@FC=corded foam|Foam Uncorded@FU=uncorded|Reusable Corded@RC=reusable
  nrr: lab NRR 29 32 33
  pack: pack BX 100 200
family RSP | Respirator; dust mask; mask respirator | {type} {size} {pack} | BX 20 22.0 | alnum
  type: w N95|N95 with Valve@N95V=n95 valved,n95 w/ valve|R95|P100
  size: w Small@S|Medium/Large@ML=m/l|Regular@R
  pack: pack BX 10 20
"""

PACKAGING = """
family BOX | Corrugated Box; shipping box; carton; corr box | {length} x {width} x {height} {strength} \
{colour} | BD 25 21.0 \
| CB-{length}{width}{height}-{strength}{colour}
  length: u in 6 8 9 10 11 12 14 16 18 20 22 24
  width: u in 4 6 8 9 10 12 14 16 18
  height: u in 2 3 4 5 6 7 8 9 10 12 14 16 18 20
  strength: w 32 ECT@32E=32ect|44 ECT@44E=44ect|48 ECT@48E=48ect|200# Test@200T=200 lb test,200#|275# \
Test@275T\
=275 lb test,275#
  colour: w Kraft@K=brown|White@W=white kraft
family SF | Stretch Film; stretch wrap; pallet wrap | {width} {gauge} {length} {type} | CA 4 68.0 | alnum
  width: u in 12 15 18 20
  gauge: lab Gauge 60 70 80 90
  length: ft 1000 1500 2000
  type: w Cast|Blown
family PT | Packing Tape; carton sealing tape; box tape; shipping tape | {brand} {width} x {length} {thick} \
{colour} \
| CA 36 52.0 | alnum
  brand: w Tapeco|Sealtite|Norpro
  width: in 2 3
  length: u yd 55 110
  thick: u mil 1.6 1.9 2.0 2.6 3.0
  colour: w Clear|Tan
family PB | Poly Bag; plastic bag; poly bags; ldpe bag | {size} {thick} {closure} | CA 1000 32.0 | alnum
  size: dim 2x3 3x4 3x5 4x6 5x7 5x8 6x8 6x9 8x10 9x12 10x12 10x14 12x12 12x15 12x18 14x20 18x24 20x30 24x36
  thick: u mil 1 1.5 2 3 4 6
  closure: w Open Top@OT=open|Reclosable Zip@RZ=zip top,ziplock,zip
family BW | Bubble Wrap; bubble roll; air cushion roll | {width} x {length} {bubble} {perf} | RL 1 36.0 | \
alnum
  width: u in 12 24 48
  length: ft 125 250
  bubble: w 3/16 in Bubble@S=small bubble|5/16 in Bubble@M=medium bubble|1/2 in Bubble@L=large bubble
  perf: w Perforated 12 in@P=perf 12,perforated|Unperforated@U=non perf
"""

OFFICE = """
family PAP | Copy Paper; paper copy; multipurpose paper; printer paper | {size} {weight} {bright} {colour} | \
CA 10 \
48.0 | num
  size: w Letter 8-1/2 x 11@LTR=8.5 x 11,letter|Legal 8-1/2 x 14@LGL=8.5 x 14,legal|Tabloid 11 x \
17@TAB=11x17,ledger
  weight: u lb 20 24 28 32
  bright: lab Bright 92 96 98
  colour: w White|Canary=yellow|Pink|Blue|Green
family PEN | Pen; pens; ink pen | {type} {point} {colour} {pack} | BX 12 9.0 | num
  type: w Ballpoint Stick@BP=ballpoint,stick pen|Retractable Gel@RG=gel retractable,gel pen|\
Rollerball@RB=roller ball
  point: w Fine 0.5 mm@F=fine,0.5mm|Medium 0.7 mm@M=medium,0.7mm|Bold 1.0 mm@B=bold,1.0mm
  colour: w Black|Blue|Red|Green|Purple
  pack: pack BX 12 36 60
family FF | File Folder; folders; manila folder | {size} {tab} {colour} {type} {pack} | BX 100 18.0 | num
  size: w Letter@L=ltr|Legal@G=lgl
  tab: w 1/3 Cut Tab@3=1/3 cut|1/5 Cut Tab@5=1/5 cut|Straight Cut@S=straight|1/2 Cut Tab@2=1/2 cut
  colour: w Manila|Red|Blue|Green|Yellow|Orange|Purple
  type: w Standard|Hanging|Reinforced Tab@RT=reinforced
  pack: pack BX 25 100
family BND | Ring Binder; binder; 3 ring binder | {ring} {type} {colour} {view} | EA 1 4.5 | num
  ring: in 1/2 1 1-1/2 2 3 4
  type: w Round Ring@RR=round|D-Ring@DR=d ring|Slant-D Ring@SD=slant d
  colour: w White|Black|Blue|Red|Green
  view: w View=clear overlay|Non-View@NV=non view
family SN | Sticky Notes; self-stick notes; post-it style notes | {size} {colour} {lined} {pack} | PK 12 \
11.0 | num
  size: dim 1.5x2 3x3 3x5 4x6
  colour: w Canary Yellow@CY=yellow|Assorted Neon@AN=neon asst|Assorted Pastel@AP=pastel asst
  lined: w Lined|Unlined=plain
  pack: pack PK 12 24
"""

TOOLS = """
family DB | Drill Bit; twist drill; jobber drill bit; drill | {brand} {size} {material} {length} {pack} | EA \
1 3.2 \
| num+ean
  brand: w Drillmaster|Borex|Cobaltech
  size: in 1/16 5/64 3/32 7/64 1/8 9/64 5/32 11/64 3/16 13/64 7/32 15/64 1/4 17/64 9/32 19/64 5/16 21/64 \
11/32 \
23/64 3/8 25/64 13/32 27/64 7/16 29/64 15/32 31/64 1/2
  material: w HSS Black Oxide@BO=hss,black oxide|Cobalt M42@CO=cobalt|Titanium Nitride Coated@TN=tin \
coated,titanium
  length: w Jobber Length@J=jobber|Stubby@S=stub|Taper Length@T=taper
  pack: pack PK 1 6 12
family EM | End Mill; endmill; square end mill | {diameter} {flutes} {material} {coating} {length} | EA 1 \
24.0 \
| num+ean
  diameter: in 1/16 3/32 1/8 5/32 3/16 7/32 1/4 5/16 3/8 7/16 1/2 9/16 5/8 3/4 7/8 1
  flutes: w 2 Flute@2F=2fl,2 fl|3 Flute@3F=3fl|4 Flute@4F=4fl,4 fl
  material: w HSS|Cobalt|Solid Carbide@SC=carbide
  coating: w Uncoated@UC=bright|TiN=tin|AlTiN=altin
  length: w Stub@S=stub length|Regular@R=standard length|Long@L=long length
family TAP | Tap; thread tap; hand tap | {thread} {type} {material} | EA 1 9.0 | num+ean
  thread: thr #2-56 #4-40 #6-32 #8-32 #10-24 #10-32 1/4-20 1/4-28 5/16-18 5/16-24 3/8-16 3/8-24 7/16-14 \
1/2-13 \
1/2-20 5/8-11 3/4-10
  type: w Taper@T=taper|Plug@P=plug|Bottoming@B=bottom|Spiral Point@SP=gun tap|Spiral Flute@SF=spiral fl
  material: w HSS|Cobalt|HSS TiN Coated@TN=tin
family SKT | Socket; skt; socket wrench socket | {drive} {size} {depth} {point} | EA 1 6.5 | num
  drive: w 1/4 in Drive@14=1/4 dr,1/4" drive|3/8 in Drive@38=3/8 dr,3/8" drive|1/2 in Drive@12=1/2 dr,1/2" \
drive
  size: in 5/32 3/16 7/32 1/4 9/32 5/16 11/32 3/8 7/16 1/2 9/16 5/8 11/16 3/4 13/16 7/8 15/16 1 1-1/16 1-1/8
  depth: w Standard@S=shallow|Deep
  point: w 6-Point@6=6 pt,6pt|12-Point@12=12 pt,12pt
family SKM | Metric Socket; socket metric; skt mm | {drive} {size} {depth} {point} {finish} | EA 1 6.5 | num
  drive: w 1/4 in Drive@14=1/4 dr|3/8 in Drive@38=3/8 dr|1/2 in Drive@12=1/2 dr
  size: mm 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 21 22 24 27 30 32
  depth: w Standard@S=shallow|Deep
  point: w 6-Point@6=6 pt|12-Point@12=12 pt
  finish: w Chrome@CR=chrome,polished|Impact Black@IMP=impact
family WR | Combination Wrench; wrench combo; combo wrench; comb wrench | {size} {finish} | EA 1 7.0 | num
  size: w 1/4 in|5/16 in|3/8 in|7/16 in|1/2 in|9/16 in|5/8 in|11/16 in|3/4 in|13/16 in|7/8 in|15/16 in|1 in|\
8 mm|9 mm|10 mm|11 mm|12 mm|13 mm|14 mm|15 mm|16 mm|17 mm|18 mm|19 mm|21 mm|22 mm|24 mm
  finish: w Full Polish@FP=polished|Satin
family CSB | Circular Saw Blade; saw blade circular; circ saw blade | {brand} {diameter} {teeth} {use} | EA \
1 18.0 \
| num+ean
  brand: w Cutwell|Bladerunner|Toothline
  diameter: in 6-1/2 7-1/4 8-1/4 10 12
  teeth: u T 24 40 60 80
  use: w Framing|Finishing|Metal Cutting@MC=metal|Laminate
family RSB | Reciprocating Saw Blade; sawzall blade; recip blade | {brand} {length} {tpi} {material} {pack} |\
 PK 5 \
11.0 | num+ean
  brand: w Cutwell|Bladerunner|Toothline
  length: in 4 6 9 12
  tpi: u TPI 6 10 14 18 24
  material: w Bi-Metal@BM=bimetal,bi metal|Carbide=carbide tipped
  pack: pack PK 5 25
family SD | Sanding Disc; sanding discs; sand disc; abrasive disc | {brand} {diameter} {grit} {holes} {pack} \
| BX 50 \
19.0 | num+ean
  brand: w Abraflex|Grindex|Norcut
  diameter: in 5 6
  grit: lab Grit 40 60 80 100 120 150 180 220 320 400
  holes: w 8-Hole Hook and Loop@8H=8 hole,h&l 8 hole|5-Hole Hook and Loop@5H=5 hole|No Hole PSA@PSA=psa,no \
hole
  pack: pack BX 50 100
family CW | Cut-Off Wheel; cutoff wheel; cut off disc; grinding wheel | {brand} {diameter} x {thick} {type} \
{use} | \
BX 25 42.0 | num+ean
  brand: w Abraflex|Grindex|Norcut
  diameter: in 4-1/2 5 6 7 9
  thick: w .040 in@040=.040,0.040|1/16 in@116=1/16|1/8 in@18=1/8|1/4 in@14=1/4
  type: w Type 1@T1=t1,type 1 straight|Type 27@T27=t27,depressed center
  use: w Metal|Stainless=inox|Masonry
family BIT | Insert Bit; screwdriver bit; driver bit; power bit | {tip} {length} {pack} | EA 1 1.8 | num
  tip: w PH1|PH2|PH3|SQ1|SQ2|SQ3|T10|T15|T20|T25|T27|T30|T40|Slotted 1/4@SL14=1/4 slotted|Hex 1/4@HX14=1/4 hex
  length: in 1 2 3-1/2 6
  pack: pack PK 1 5 25
"""

HVAC = """
family HVF | Pleated Air Filter; air filter; pleated filter; hvac filter; furnace filter | {brand} {size} x \
{depth} \
{merv} | CA 12 54.0 | HVF-{size}-{depth}-M{merv}-{brand}
  brand: w Airguard@AG|PureFlo@PF|Filtrex@FX
  size: dim 10x20 12x12 12x20 12x24 14x20 14x24 14x25 15x20 16x16 16x20 16x24 16x25 18x18 18x20 18x24 18x25 \
20x20 \
20x24 20x25 24x24 25x25
  depth: in 1 2 4
  merv: lab MERV 8 11 13 14
"""

MRO = """
family HYD | Hydraulic Fitting; hyd fitting; hydraulic adapter | {shape} {end1} x {end2} {material} | EA 1 \
7.0 \
| HYD-{shape}-{end1}-{end2}-{material}
  shape: w Straight@S=str|90 Elbow@90=90 ell|45 Elbow@45=45 ell|Tee@T|Run Tee@RT=run tee|Cross@X
  end1: w 1/4 Male JIC@4MJ=-4 mjic|3/8 Male JIC@6MJ=-6 mjic|1/2 Male JIC@8MJ=-8 mjic|3/4 Male JIC@12MJ=-12 \
mjic\
|1 Male JIC@16MJ=-16 mjic
  end2: w 1/8 Male NPT@2MP=-2 mnpt|1/4 Male NPT@4MP=-4 mnpt|3/8 Male NPT@6MP=-6 mnpt|1/2 Male NPT@8MP=-8 mnpt\
|3/4 Male NPT@12MP=-12 mnpt|1/4 Male ORB@4MO=-4 mor|1/2 Male ORB@8MO=-8 mor
  material: w Steel|316 Stainless Steel|Brass
family VB | V-Belt; v belt; vbelt; drive belt | {section} {length} {style} | EA 1 9.0 | \
VB-{section}{length}-{style}
  section: w A|B|3L|4L|5L|3V|5V
  length: lab Length 20 22 24 26 28 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 50 52 54 56 58 \
60 62 \
64 66 68 70 72 75 78 80 85 90
  style: w Wrapped@W=classic|Cogged@X=notched,raw edge cogged
family BRG | Ball Bearing; bearing; deep groove ball bearing; brg | {number} {seal} {clearance} | EA 1 6.0 | \
BRG-{number}-{seal}-{clearance}
  number: w 6000|6001|6002|6003|6004|6005|6006|6007|6008|6200|6201|6202|6203|6204|6205|6206|6207|6208|6209|\
6210|\
6300|6301|6302|6303|6304|6305|6306|6307|6308|6309|6310|608|625|626|627|629
  seal: w Open@OP|Shielded ZZ@ZZ=zz,2z,metal shield|Sealed 2RS@2RS=2rs,rubber sealed,2rsh
  clearance: w Standard Clearance@CN=cn,normal clearance|C3 Clearance@C3=c3
family CST | Caster; castor; casters | {diameter} {type} {wheel} {mount} | EA 1 12.0 | alnum
  diameter: in 2 3 4 5 6 8
  type: w Swivel|Rigid=fixed|Swivel with Brake@SB=swivel w/ brake,locking swivel
  wheel: w Polyurethane@PU=poly,pu|Rubber|Phenolic|Nylon
  mount: w Top Plate@TP=plate|Threaded Stem@TS=stem
family LUB | Aerosol Lubricant; lubricant spray; aerosol; spray lube | {brand} {type} {size} | CA 12 60.0 | \
alnum
  brand: w Lubrex|SlickPro|Fluxon
  type: w Penetrating Oil@PO=penetrant|Silicone Spray@SIL=silicone|White Lithium Grease@WLG=lithium grease|\
Dry PTFE Lube@PTFE=ptfe|Contact Cleaner@CC|Brake Cleaner@BC
  size: u oz 11 16
family MKP | Marking Paint; inverted marking paint; spray paint marking | {brand} {colour} {type} {size} | \
CA 12 \
58.0 | alnum
  brand: w Markwell|Spectra
  colour: w Fluorescent Red@FRD=fl red|Fluorescent Orange@FOR=fl orange|Fluorescent Pink@FPK=fl pink|\
Fluorescent Green@FGR=fl green|Safety Blue@SBL=blue|Safety Yellow@SYL=yellow|White|Black
  type: w Inverted@INV=upside down|Precision Line@PL=precision
  size: u oz 17 20
family CLK | Sealant; caulk; caulking; sealant tube | {type} {colour} {size} | CA 12 48.0 | alnum
  type: w 100% Silicone@SIL=silicone|Acrylic Latex@AL=latex,acrylic|Polyurethane@PU=urethane
  colour: w Clear|White|Almond|Gray|Black|Bronze
  size: w 10.1 oz Cartridge@10=10.1oz|2.8 oz Squeeze Tube@3=2.8 oz tube|20 oz Sausage@20=20oz
family AH | Air Hose; hose air; compressor hose | {id} x {length} {material} {fitting} | EA 1 28.0 | alnum
  id: in 1/4 3/8 1/2
  length: ft 25 50 100
  material: w Rubber|PVC|Hybrid Polymer@HY=hybrid
  fitting: w 1/4 NPT Fittings@14=1/4 npt|3/8 NPT Fittings@38=3/8 npt
family RS | Ratchet Strap; tie down strap; ratchet tie down | {width} x {length} {end} {colour} | EA 1 16.0 |\
 alnum
  width: in 1 2 3 4
  length: ft 10 15 20 27 30
  end: w Double J Hook@JH=j hook|Flat Hook@FH=flat hooks|E-Track Fitting@ET=e track
  colour: w Yellow|Orange|Blue|Black
family RP | Rope; cord rope | {material} {diameter} x {length} {type} | EA 1 22.0 | alnum
  material: w Nylon|Polypropylene@PP=polypro|Polyester=poly|Manila
  diameter: in 1/4 3/8 1/2 5/8 3/4
  length: ft 50 100 600
  type: w Twisted=3-strand|Double Braided@DB=braided
family CH | Chain; proof coil chain; chain by the foot | {grade} {size} {finish} {length} | EA 1 40.0 | alnum
  grade: w Grade 30 Proof Coil@G30=gr 30,proof coil|Grade 43 High Test@G43=gr 43,high test|Grade 70 \
Transport@G70\
=gr 70,transport|Grade 80 Alloy@G80=gr 80,alloy
  size: in 1/4 5/16 3/8 1/2
  finish: w Zinc Plated|Hot-Dip Galvanized|Self Colored@SC=bright,self color
  length: ft 20 50 100
family TRP | Tarp; tarpaulin; poly tarp | {size} {grade} | EA 1 9.0 | alnum
  size: dim 6x8 8x10 10x12 12x16 16x20 20x20 20x30 30x40 40x60
  grade: w Blue Light Duty@BL=blue tarp,light duty|Brown Heavy Duty@BR=brown tarp,heavy duty|Silver Super \
Duty@SV\
=silver tarp,super duty|Clear@CL=clear tarp|White Heavy Duty@WH=white tarp
"""

APPAREL = """
family TS | T-Shirt; tee shirt; work tee; t shirt | {style} {colour} {size} | EA 1 7.5 | model
  style: w Short Sleeve@SS=s/s,ss|Long Sleeve@LS=l/s,ls|Pocket Tee@PK=pocket t|Hi-Vis Short Sleeve@HV=hi vis \
tee
  colour: w Black|Navy|Gray|White|Red|Royal Blue@RYL=royal|Safety Green@SGR=safety grn|Safety \
Orange@SOR=safety org
  size: w Small@S|Medium@M|Large@L|X-Large@XL|2X-Large@2XL|3X-Large@3XL|4X-Large@4XL
family PNT | Work Pants; pants work; work trousers | {fit} {colour} {waist} x {inseam} | EA 1 32.0 | model
  fit: w Relaxed Fit@RF=relaxed|Regular Fit@RG=regular|Carpenter@CP=carpenter
  colour: w Khaki|Navy|Black|Charcoal|Brown
  waist: lab Waist 28 30 32 34 36 38 40 42 44 46
  inseam: lab Inseam 30 32 34 36
family BT | Work Boot; boots work; safety boot | {brand} {height} {toe} {size} {width} | PR 1 98.0 | model
  brand: w Trailforge|Ironstep|Workpro
  height: w 6 in=6"|8 in=8"
  toe: w Steel Toe@ST=steel|Composite Toe@CT=composite|Soft Toe@SF=soft
  size: lab Size 7 7.5 8 8.5 9 9.5 10 10.5 11 11.5 12 13 14
  width: w Medium Width@D=medium,d|Wide@EE=wide,ee
family CVL | Coverall; coveralls; overalls; boiler suit | {fabric} {colour} {size} {length} | EA 1 48.0 | \
model
  fabric: w Cotton Twill@CT=twill|FR Cotton@FR=flame resistant|Poly-Cotton@PC=poly cotton
  colour: w Navy|White|Black|Gray|Tan
  size: lab Chest 36 38 40 42 44 46 48 50 52 54 56 58 60
  length: w Regular Length@R=regular|Tall@T=tall
family SWT | Sweatshirt; sweat shirt; fleece sweatshirt | {style} {colour} {size} | EA 1 24.0 | model
  style: w Pullover Hoodie@PH=pullover hooded|Full-Zip Hoodie@ZH=zip hoodie|Crewneck@CN=crew
  colour: w Black|Navy|Gray|Safety Green@SGR=safety grn|Safety Orange@SOR=safety org|Maroon|Forest Green@FGR
  size: w Small@S|Medium@M|Large@L|X-Large@XL|2X-Large@2XL|3X-Large@3XL|4X-Large@4XL
"""
